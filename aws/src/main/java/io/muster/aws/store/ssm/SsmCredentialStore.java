package io.muster.aws.store.ssm;

import io.muster.aws.AwsErrors;
import io.muster.credentials.CredentialStore;
import io.muster.credentials.Credentials;
import io.muster.credentials.FormationAndCredentials;
import io.muster.credentials.FormationRecord;
import io.muster.credentials.MemberAndCredentials;
import io.muster.credentials.MemberRecord;
import io.muster.credentials.RecordCodec;
import io.muster.credentials.StoreException;
import io.muster.credentials.StoreLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * The store in SSM Parameter Store below {@code <prefix>/<cluster>}: {@code formation/<generation>}
 * (String, created with Overwrite=false: ParameterAlreadyExists means another node won), {@code
 * credentials/<generation>} (SecureString, overwritten on rotation), {@code members/<instance-id>}
 * (String). Every listing follows NextToken.
 */
public final class SsmCredentialStore implements CredentialStore {
  /** The largest page GetParametersByPath allows. */
  static final int PAGE_SIZE = 10;

  private final Supplier<SsmClient> ssm;
  private final String root;
  private final String kmsKeyId;

  /**
   * @param root {@code <prefix>/<cluster>}, no trailing slash
   * @param kmsKeyId KMS key for SecureString values, or null for the default key
   */
  public SsmCredentialStore(Supplier<SsmClient> ssm, String root, String kmsKeyId) {
    this.ssm = ssm;
    this.root = root;
    this.kmsKeyId = kmsKeyId;
  }

  @Override
  public Optional<FormationRecord> currentFormation() throws StoreException {
    return currentFormationAndFleetSize().formation();
  }

  /** One GetParametersByPath of the formation records, the fleet-size hint among them. */
  @Override
  public FormationAndCredentials currentFormationAndFleetSize() throws StoreException {
    Parameter best = null;
    long bestGen = 0;
    OptionalInt fleet = OptionalInt.empty();
    String fleetName = name(StoreLayout.FLEET);
    for (Parameter p : byPath(StoreLayout.FORMATION)) {
      if (p.name().equals(fleetName)) {
        fleet = RecordCodec.fleetSize(p.value());
        continue;
      }
      OptionalLong g = StoreLayout.generation(leaf(p.name()));
      if (g.isPresent() && g.getAsLong() > bestGen) {
        bestGen = g.getAsLong();
        best = p;
      }
    }
    if (best == null) {
      return new FormationAndCredentials(Optional.empty(), Optional.empty(), fleet);
    }
    FormationRecord r = RecordCodec.currentFormation(best.value(), where(best.name()), bestGen);
    return new FormationAndCredentials(Optional.of(r), Optional.empty(), fleet);
  }

  @Override
  public boolean claimFormation(FormationRecord record) throws StoreException {
    return createPlain(
        name(StoreLayout.formation(record.generation())),
        RecordCodec.formation(record),
        "muster formation claim of generation " + record.generation());
  }

  @Override
  public void putCredentials(long generation, Credentials credentials) throws StoreException {
    String name = name(StoreLayout.credentials(generation));
    PutParameterRequest.Builder req =
        PutParameterRequest.builder()
            .name(name)
            .value(RecordCodec.credentials(credentials))
            .type(ParameterType.SECURE_STRING)
            .overwrite(true);
    if (kmsKeyId != null) {
      req.keyId(kmsKeyId);
    }
    try {
      ssm.get().putParameter(req.build());
    } catch (SdkException e) {
      throw failed("ssm:PutParameter", name, e);
    }
  }

  @Override
  public Optional<Credentials> credentials(long generation) throws StoreException {
    String name = name(StoreLayout.credentials(generation));
    try {
      Parameter p = ssm.get().getParameter(b -> b.name(name).withDecryption(true)).parameter();
      return Optional.of(RecordCodec.credentials(p.value(), where(name)));
    } catch (ParameterNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("ssm:GetParameter", name, e);
    }
  }

  @Override
  public void registerMember(MemberRecord member) throws StoreException {
    putPlain(name(StoreLayout.member(member.instanceId())), RecordCodec.member(member));
  }

  @Override
  public void deregisterMember(String instanceId) throws StoreException {
    deleteIfPresent(name(StoreLayout.member(instanceId)));
  }

  @Override
  public List<MemberRecord> members() throws StoreException {
    List<MemberRecord> out = new ArrayList<>();
    for (Parameter p : byPath(StoreLayout.MEMBERS)) {
      if (StoreLayout.isSegment(leaf(p.name()))) {
        RecordCodec.listedMember(p.value(), where(p.name())).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparing(MemberRecord::instanceId));
    return List.copyOf(out);
  }

  @Override
  public Optional<MemberRecord> member(String instanceId) throws StoreException {
    String name = name(StoreLayout.member(instanceId));
    Optional<String> value = readPlain(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(RecordCodec.member(value.get(), where(name)));
  }

  /**
   * One GetParameters request for both names (decrypting the SecureString credentials; the member
   * record is a plain String, returned as it is). A name SSM does not hold comes back under
   * InvalidParameters: empty.
   */
  @Override
  public MemberAndCredentials memberAndCredentials(String instanceId, long generation)
      throws StoreException {
    String memberName = name(StoreLayout.member(instanceId));
    String credentialsName = name(StoreLayout.credentials(generation));
    List<Parameter> found;
    try {
      found =
          ssm.get()
              .getParameters(b -> b.names(memberName, credentialsName).withDecryption(true))
              .parameters();
    } catch (SdkException e) {
      throw failed("ssm:GetParameters", memberName + ", " + credentialsName, e);
    }
    Optional<MemberRecord> member = Optional.empty();
    Optional<Credentials> credentials = Optional.empty();
    for (Parameter p : found) {
      if (p.name().equals(memberName)) {
        member = Optional.of(RecordCodec.member(p.value(), where(memberName)));
      } else if (p.name().equals(credentialsName)) {
        credentials = Optional.of(RecordCodec.credentials(p.value(), where(credentialsName)));
      }
    }
    return new MemberAndCredentials(member, credentials);
  }

  /** One GetParameters for both (see {@link CredentialStore#formationAndCredentials}). */
  @Override
  public FormationAndCredentials formationAndCredentials(long generation) throws StoreException {
    String formationName = name(StoreLayout.formation(generation));
    String credentialsName = name(StoreLayout.credentials(generation));
    String fleetName = name(StoreLayout.FLEET);
    List<Parameter> found;
    try {
      found =
          ssm.get()
              .getParameters(
                  b -> b.names(formationName, credentialsName, fleetName).withDecryption(true))
              .parameters();
    } catch (SdkException e) {
      throw failed("ssm:GetParameters", formationName + ", " + credentialsName, e);
    }
    Optional<FormationRecord> formation = Optional.empty();
    Optional<Credentials> credentials = Optional.empty();
    OptionalInt fleet = OptionalInt.empty();
    for (Parameter p : found) {
      if (p.name().equals(formationName)) {
        formation =
            Optional.of(RecordCodec.currentFormation(p.value(), where(formationName), generation));
      } else if (p.name().equals(credentialsName)) {
        credentials = Optional.of(RecordCodec.credentials(p.value(), where(credentialsName)));
      } else if (p.name().equals(fleetName)) {
        fleet = RecordCodec.fleetSize(p.value());
      }
    }
    return new FormationAndCredentials(formation, credentials, fleet);
  }

  /** A plain String parameter, overwritten (not a secret; see {@link CredentialStore}). */
  @Override
  public void putFleetSize(int size) throws StoreException {
    putPlain(name(StoreLayout.FLEET), RecordCodec.fleetSize(size));
  }

  @Override
  public boolean createLifecycleRecord(String name, String json) throws StoreException {
    return createPlain(
        name(StoreLayout.lifecycle(name)), json, "muster fleet controller: one lifecycle action");
  }

  @Override
  public void putLifecycleRecord(String name, String json) throws StoreException {
    putPlain(name(StoreLayout.lifecycle(name)), json);
  }

  @Override
  public Optional<String> lifecycleRecord(String name) throws StoreException {
    return readPlain(name(StoreLayout.lifecycle(name)));
  }

  @Override
  public List<String> lifecycleRecordNames() throws StoreException {
    return byPath(StoreLayout.LIFECYCLE).stream().map(p -> leaf(p.name())).toList();
  }

  @Override
  public void deleteLifecycleRecord(String name) throws StoreException {
    deleteIfPresent(name(StoreLayout.lifecycle(name)));
  }

  @Override
  public boolean holdsLifecycleRecords() {
    return true;
  }

  @Override
  public String describe() {
    return "ssm:" + root + "/";
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Creates a plain String parameter only if it does not exist: {@code overwrite(false)} is SSM's
   * create-if-absent, so of two writers exactly one gets true (the formation claim, a lifecycle
   * action's claim).
   */
  private boolean createPlain(String name, String value, String description) throws StoreException {
    try {
      ssm.get()
          .putParameter(
              PutParameterRequest.builder()
                  .name(name)
                  .value(value)
                  .type(ParameterType.STRING)
                  .overwrite(false)
                  .description(description)
                  .build());
      return true;
    } catch (ParameterAlreadyExistsException lost) {
      return false;
    } catch (SdkException e) {
      throw failed("ssm:PutParameter", name, e);
    }
  }

  /** Writes a plain String parameter, replacing any value it had. */
  private void putPlain(String name, String value) throws StoreException {
    try {
      ssm.get()
          .putParameter(
              PutParameterRequest.builder()
                  .name(name)
                  .value(value)
                  .type(ParameterType.STRING)
                  .overwrite(true)
                  .build());
    } catch (SdkException e) {
      throw failed("ssm:PutParameter", name, e);
    }
  }

  /** A plain String parameter's value, or empty when there is none. */
  private Optional<String> readPlain(String name) throws StoreException {
    try {
      return Optional.of(
          ssm.get().getParameter(b -> b.name(name).withDecryption(false)).parameter().value());
    } catch (ParameterNotFoundException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("ssm:GetParameter", name, e);
    }
  }

  /** Deletes a parameter; one already gone (deregistered, or swept by another node) is fine. */
  private void deleteIfPresent(String name) throws StoreException {
    try {
      ssm.get().deleteParameter(b -> b.name(name));
    } catch (ParameterNotFoundException gone) {
      // The goal is reached.
    } catch (SdkException e) {
      throw failed("ssm:DeleteParameter", name, e);
    }
  }

  /**
   * Every parameter below {@code <root>/<folder>}, all pages. Only plain String parameters are
   * listed this way; credentials are read one by one with decryption.
   */
  private List<Parameter> byPath(String folder) throws StoreException {
    String path = name(folder);
    List<Parameter> all = new ArrayList<>();
    String token = null;
    try {
      do {
        GetParametersByPathResponse page =
            ssm.get()
                .getParametersByPath(
                    GetParametersByPathRequest.builder()
                        .path(path)
                        .recursive(true)
                        .withDecryption(false)
                        .maxResults(PAGE_SIZE)
                        .nextToken(token)
                        .build());
        all.addAll(page.parameters());
        token = page.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw failed("ssm:GetParametersByPath", path, e);
    }
    return all;
  }

  private String name(String entry) {
    return root + "/" + entry;
  }

  private static String leaf(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static String where(String name) {
    return "ssm:" + name;
  }

  private StoreException failed(String action, String name, SdkException e) {
    String msg = AwsErrors.explain(action, e) + " (parameter " + name + ")";
    if (kmsKeyId != null && isKms(e)) {
      msg += "; the role also needs kms:Encrypt and kms:Decrypt on key " + kmsKeyId;
    }
    return AwsErrors.isPermanent(e)
        ? StoreException.permanent(msg, e)
        : new StoreException(msg, e, AwsErrors.throttled(e));
  }

  private static boolean isKms(SdkException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("KMS") || m.contains("kms");
  }
}
