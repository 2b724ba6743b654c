package io.muster.aws.store.secretsmanager;

import io.muster.aws.AwsErrors;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.RecordCodec;
import io.muster.credentials.StoreException;
import io.muster.credentials.StoreLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/**
 * The store in Secrets Manager below {@code <prefix>/<cluster>}: secrets {@code
 * formation/<generation>} (CreateSecret; ResourceExistsException means another node won), {@code
 * credentials/<generation>} and {@code members/<instance-id>} (CreateSecret, else PutSecretValue).
 * Listings are ListSecrets with a name-prefix filter, following NextToken.
 */
public final class SecretsManagerCredentialStore implements CredentialStore {
  static final int PAGE_SIZE = 100;

  private final Supplier<SecretsManagerClient> sm;
  private final String root;
  private final String kmsKeyId;

  /**
   * @param root {@code <prefix>/<cluster>}, no trailing slash
   * @param kmsKeyId KMS key for new secrets, or null for the default key
   */
  public SecretsManagerCredentialStore(
      Supplier<SecretsManagerClient> sm, String root, String kmsKeyId) {
    this.sm = sm;
    this.root = root;
    this.kmsKeyId = kmsKeyId;
  }

  @Override
  public Optional<FormationRecord> currentFormation() throws StoreException {
    long best = 0;
    for (String leaf : list(StoreLayout.FORMATION)) {
      OptionalLong g = StoreLayout.generation(leaf);
      if (g.isPresent() && g.getAsLong() > best) {
        best = g.getAsLong();
      }
    }
    if (best == 0) {
      return Optional.empty();
    }
    String name = name(StoreLayout.formation(best));
    Optional<String> json = value(name);
    if (json.isEmpty()) {
      throw new StoreException(
          "secret " + name + " was listed but could not be read: it was deleted by hand; retry");
    }
    FormationRecord r = RecordCodec.currentFormation(json.get(), where(name), best);
    return Optional.of(r);
  }

  @Override
  public boolean claimFormation(FormationRecord record) throws StoreException {
    String name = name(StoreLayout.formation(record.generation()));
    try {
      create(name, RecordCodec.formation(record), "muster formation claim");
      return true;
    } catch (ResourceExistsException lost) {
      return false;
    } catch (SdkException e) {
      throw failed("secretsmanager:CreateSecret", name, e);
    }
  }

  @Override
  public void putCredentials(long generation, Credentials credentials) throws StoreException {
    upsert(
        name(StoreLayout.credentials(generation)),
        RecordCodec.credentials(credentials),
        "muster join credentials");
  }

  @Override
  public Optional<Credentials> credentials(long generation) throws StoreException {
    String name = name(StoreLayout.credentials(generation));
    Optional<String> json = value(name);
    if (json.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RecordCodec.credentials(json.get(), where(name)));
  }

  @Override
  public void registerMember(MemberRecord member) throws StoreException {
    upsert(
        name(StoreLayout.member(member.instanceId())),
        RecordCodec.member(member),
        "muster member record");
  }

  @Override
  public void deregisterMember(String instanceId) throws StoreException {
    String name = name(StoreLayout.member(instanceId));
    try {
      sm.get().deleteSecret(b -> b.secretId(name).forceDeleteWithoutRecovery(true));
    } catch (ResourceNotFoundException gone) {
      // Already deregistered: the goal is reached.
    } catch (SdkException e) {
      throw failed("secretsmanager:DeleteSecret", name, e);
    }
  }

  @Override
  public List<MemberRecord> members() throws StoreException {
    List<MemberRecord> out = new ArrayList<>();
    for (String leaf : list(StoreLayout.MEMBERS)) {
      if (!StoreLayout.isSegment(leaf)) {
        continue;
      }
      String name = name(StoreLayout.MEMBERS + "/" + leaf);
      Optional<String> json = value(name); // empty when deregistered since the listing
      if (json.isPresent()) {
        RecordCodec.listedMember(json.get(), where(name)).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparing(MemberRecord::instanceId));
    return List.copyOf(out);
  }

  @Override
  public Optional<MemberRecord> member(String instanceId) throws StoreException {
    String name = name(StoreLayout.member(instanceId));
    Optional<String> json = value(name);
    return json.isEmpty()
        ? Optional.empty()
        : Optional.of(RecordCodec.member(json.get(), where(name)));
  }

  @Override
  public String describe() {
    return "secretsmanager:" + root + "/";
  }

  @Override
  public String toString() {
    return describe();
  }

  private void create(String name, String value, String description) {
    CreateSecretRequest.Builder req =
        CreateSecretRequest.builder().name(name).secretString(value).description(description);
    if (kmsKeyId != null) {
      req.kmsKeyId(kmsKeyId);
    }
    sm.get().createSecret(req.build());
  }

  /** Creates the secret, or stores a new version if it exists (restoring it if being deleted). */
  private void upsert(String name, String value, String description) throws StoreException {
    try {
      create(name, value, description);
      return;
    } catch (ResourceExistsException exists) {
      // Fall through to a new version.
    } catch (InvalidRequestException e) {
      if (!String.valueOf(e.getMessage()).contains("scheduled for deletion")) {
        throw failed("secretsmanager:CreateSecret", name, e);
      }
      // A member that deregistered and came back: undo the deletion, then write.
      try {
        sm.get().restoreSecret(b -> b.secretId(name));
      } catch (SdkException r) {
        StoreException f = failed("secretsmanager:RestoreSecret", name, r);
        throw new StoreException(
            f.getMessage()
                + "; the secret is still being deleted after a deregistration: retry in a few"
                + " seconds",
            r);
      }
    } catch (SdkException e) {
      throw failed("secretsmanager:CreateSecret", name, e);
    }
    try {
      sm.get().putSecretValue(b -> b.secretId(name).secretString(value));
    } catch (SdkException e) {
      throw failed("secretsmanager:PutSecretValue", name, e);
    }
  }

  private Optional<String> value(String name) throws StoreException {
    try {
      return Optional.ofNullable(sm.get().getSecretValue(b -> b.secretId(name)).secretString());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("secretsmanager:GetSecretValue", name, e);
    }
  }

  /** Leaf names of the secrets directly below {@code <root>/<folder>/}, all pages. */
  private List<String> list(String folder) throws StoreException {
    String prefix = name(folder) + "/";
    List<String> leaves = new ArrayList<>();
    String token = null;
    try {
      do {
        ListSecretsResponse page =
            sm.get()
                .listSecrets(
                    ListSecretsRequest.builder()
                        .filters(
                            Filter.builder().key(FilterNameStringType.NAME).values(prefix).build())
                        .maxResults(PAGE_SIZE)
                        .nextToken(token)
                        .build());
        for (SecretListEntry e : page.secretList()) {
          // The name filter matches prefixes loosely; keep exact children only.
          String n = e.name();
          if (n != null && n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0) {
            leaves.add(n.substring(prefix.length()));
          }
        }
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw failed("secretsmanager:ListSecrets", prefix, e);
    }
    return leaves;
  }

  private String name(String entry) {
    return root + "/" + entry;
  }

  private static String where(String name) {
    return "secretsmanager:" + name;
  }

  private StoreException failed(String action, String name, SdkException e) {
    String msg = AwsErrors.explain(action, e) + " (secret " + name + ")";
    String m = String.valueOf(e.getMessage());
    if (kmsKeyId != null && (m.contains("KMS") || m.contains("kms"))) {
      msg += "; the role also needs kms:GenerateDataKey and kms:Decrypt on key " + kmsKeyId;
    }
    return AwsErrors.isPermanent(e)
        ? StoreException.permanent(msg, e)
        : new StoreException(msg, e, AwsErrors.throttled(e));
  }
}
