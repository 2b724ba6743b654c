package io.muster.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each credential store operation costs in the store's API requests, and the account's request
 * quotas for them, as the real stores call them ({@code aws/.../store}):
 *
 * <ul>
 *   <li><b>ssm</b> (the default store): the current formation is a GetParametersByPath on {@code
 *       formation/}, a member listing one GetParametersByPath per 10 records, one member or the
 *       credentials a GetParameter, a member with the credentials a GetParameters, every write a
 *       PutParameter, a deregistration a DeleteParameter. Standard throughput: GetParameter,
 *       GetParameters and GetParametersByPath share 40 requests/s per account and region (AWS
 *       Systems Manager endpoints and quotas, "Max throughput"). AWS documents that the throughput
 *       setting covers PutParameter too but publishes no separate figure, so writes share the 40/s
 *       unless {@code --store-write-rate} gives them a bucket of their own (AWS Support has
 *       reported 3/s standard and 10/s with higher throughput for PutParameter:
 *       github-aws-runners/terraform-aws-github-runner#2944). Higher throughput: GetParameter and
 *       GetParameters 3,000/s, GetParametersByPath 100/s.
 *   <li><b>secretsmanager</b>: the current formation is a ListSecrets plus a GetSecretValue, a
 *       member listing one ListSecrets per 100 records plus one GetSecretValue per record, a member
 *       with the credentials two GetSecretValue, a claim a CreateSecret, other writes a
 *       PutSecretValue, a deregistration a DeleteSecret. Published quotas: GetSecretValue 10,000/s,
 *       ListSecrets 100/s, CreateSecret, PutSecretValue and DeleteSecret 50/s each (AWS Secrets
 *       Manager quotas).
 * </ul>
 *
 * Every bucket holds one second of its rate (the burst AWS does not publish; an assumption).
 */
record StoreQuota(String store, String throughput, double writeRate) {
  static final List<String> STORES = List.of("ssm", "secretsmanager");
  static final List<String> THROUGHPUTS = List.of("standard", "higher", "unlimited");

  StoreQuota {
    store = store.toLowerCase(Locale.ROOT);
    throughput = throughput.toLowerCase(Locale.ROOT);
    if (!STORES.contains(store)) {
      throw new IllegalArgumentException("--store must be ssm or secretsmanager: " + store);
    }
    if (!THROUGHPUTS.contains(throughput)) {
      throw new IllegalArgumentException(
          "--store-throughput must be standard, higher or unlimited: " + throughput);
    }
    if (!(writeRate >= 0)) {
      throw new IllegalArgumentException(
          "--store-write-rate must be 0 (writes share the published quota) or a rate per second: "
              + writeRate);
    }
  }

  /** One API request kind and how many of it an operation takes. */
  record Request(String api, int count) {}

  /** The API requests {@code op} takes when the store holds {@code records} entries it lists. */
  List<Request> requests(Op op, int records) {
    List<Request> out = new ArrayList<>(2);
    if (store.equals("ssm")) {
      switch (op) {
        case CURRENT_FORMATION -> out.add(new Request("ssm:GetParametersByPath", 1));
        case MEMBERS ->
            out.add(new Request("ssm:GetParametersByPath", Math.max(1, (records + 9) / 10)));
        case MEMBER, CREDENTIALS -> out.add(new Request("ssm:GetParameter", 1));
        case MEMBER_AND_CREDENTIALS, FORMATION_AND_CREDENTIALS ->
            out.add(new Request("ssm:GetParameters", 1));
        case DEREGISTER -> out.add(new Request("ssm:DeleteParameter", 1));
        default -> out.add(new Request("ssm:PutParameter", 1));
      }
    } else {
      switch (op) {
        case CURRENT_FORMATION -> {
          out.add(new Request("secretsmanager:ListSecrets", 1));
          out.add(new Request("secretsmanager:GetSecretValue", 1));
        }
        case MEMBERS -> {
          out.add(new Request("secretsmanager:ListSecrets", Math.max(1, (records + 99) / 100)));
          if (records > 0) {
            out.add(new Request("secretsmanager:GetSecretValue", records));
          }
        }
        case MEMBER, CREDENTIALS -> out.add(new Request("secretsmanager:GetSecretValue", 1));
        case FORMATION_AND_CREDENTIALS -> {
          // The SPI's default: the current formation, then its credentials.
          out.add(new Request("secretsmanager:ListSecrets", 1));
          out.add(new Request("secretsmanager:GetSecretValue", 2));
        }
        case MEMBER_AND_CREDENTIALS ->
            out.add(
                new Request("secretsmanager:GetSecretValue", 2)); // the SPI's default: two reads
        case CLAIM -> out.add(new Request("secretsmanager:CreateSecret", 1));
        case DEREGISTER -> out.add(new Request("secretsmanager:DeleteSecret", 1));
        default -> out.add(new Request("secretsmanager:PutSecretValue", 1));
      }
    }
    return out;
  }

  /** The quota bucket an API request draws from, or null when it is not limited. */
  String bucket(String api) {
    if (throughput.equals("unlimited")) {
      return null;
    }
    if (store.equals("ssm")) {
      boolean write = api.equals("ssm:PutParameter") || api.equals("ssm:DeleteParameter");
      if (write && writeRate > 0) {
        return "ssm writes";
      }
      if (throughput.equals("higher")) {
        return api.equals("ssm:GetParametersByPath") ? "ssm:GetParametersByPath" : "ssm reads";
      }
      return "ssm";
    }
    return api;
  }

  /** Every bucket and its rate per second (one second of burst). */
  Map<String, Double> buckets() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (throughput.equals("unlimited")) {
      return out;
    }
    if (store.equals("ssm")) {
      if (throughput.equals("higher")) {
        out.put("ssm reads", 3000.0);
        out.put("ssm:GetParametersByPath", 100.0);
      } else {
        out.put("ssm", 40.0);
      }
      if (writeRate > 0) {
        out.put("ssm writes", writeRate);
      }
    } else {
      out.put("secretsmanager:GetSecretValue", 10_000.0);
      out.put("secretsmanager:ListSecrets", 100.0);
      out.put("secretsmanager:CreateSecret", 50.0);
      out.put("secretsmanager:PutSecretValue", 50.0);
      out.put("secretsmanager:DeleteSecret", 50.0);
    }
    return out;
  }
}
