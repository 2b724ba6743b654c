package io.muster.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import io.muster.adapter.AdapterProvider;
import io.muster.credentials.CredentialStoreProvider;
import io.muster.discovery.DiscoveryProvider;
import io.muster.plugin.Plugins;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layering of issue 13, checked on the production classes of every module (this module's test
 * class path holds them all). Tests and test fixtures are not checked: they may cross layers. The
 * Maven side of the same rules (which module may depend on which artifact, transitively) is the
 * enforcer's {@code layer-*} executions in the parent pom.
 */
class LayeringTest {

  /** Production classes only: no test-classes directory, no test-jar. */
  private static final ImportOption MAIN_ONLY =
      (Location l) -> !l.contains("/test-classes/") && !l.contains("-tests.jar");

  private static final JavaClasses MUSTER =
      new ClassFileImporter().withImportOption(MAIN_ONLY).importPackages("io.muster");

  /** core's packages. {@code io.muster.adapter} itself is core's SPI; its subpackages are not. */
  private static final String[] CORE = {
    "io.muster.config..",
    "io.muster.model..",
    "io.muster.net..",
    "io.muster.process..",
    "io.muster.time..",
    "io.muster.election..",
    "io.muster.bootstrap..",
    "io.muster.discovery..",
    "io.muster.credentials..",
    "io.muster.adapter",
    "io.muster.plugin..",
    "io.muster.node..",
    "io.muster.lifecycle..",
    "io.muster.telemetry.."
  };

  private static final String ADAPTERS = "io.muster.adapter.*..";

  /** core's plugins: discovery providers and a store that ship with core. */
  private static final String[] CORE_PLUGINS = {
    "io.muster.discovery.dns..", "io.muster.discovery.staticlist..", "io.muster.credentials.file.."
  };

  /** What a pure function does not touch (address values are fine, looking names up is not). */
  private static final DescribedPredicate<JavaClass> THE_WORLD =
      resideInAnyPackage("java.io..", "java.nio..", "java.util.concurrent..", "java.util.random..")
          .or(
              resideInAPackage("java.net")
                  .and(
                      not(
                          belongToAnyOf(
                              InetAddress.class, Inet4Address.class, Inet6Address.class))))
          .or(belongToAnyOf(Clock.class, Thread.class, Random.class, SecureRandom.class))
          .as("I/O, sockets, clocks, threads or randomness");

  @Test
  void modulesDependOnlyDownwards() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("io.muster..")
        .layer("core")
        .definedBy(CORE)
        .layer("aws")
        .definedBy("io.muster.aws..")
        .layer("adapters")
        .definedBy(ADAPTERS)
        .layer("simulator")
        .definedBy("io.muster.sim..")
        .layer("agent")
        .definedBy("io.muster.agent..")
        .layer("cli")
        .definedBy("io.muster.cli..")
        .layer("test-support")
        .definedBy("io.muster.testing..")
        .whereLayer("core")
        .mayNotAccessAnyLayer()
        .whereLayer("aws")
        .mayOnlyAccessLayers("core")
        .whereLayer("adapters")
        .mayOnlyAccessLayers("core")
        .whereLayer("simulator")
        .mayOnlyAccessLayers("core")
        .whereLayer("agent")
        .mayOnlyAccessLayers("core", "aws", "adapters", "simulator")
        .whereLayer("cli")
        .mayOnlyAccessLayers("core", "aws", "adapters", "simulator", "agent")
        .whereLayer("test-support")
        .mayNotAccessAnyLayer()
        .whereLayer("test-support")
        .mayNotBeAccessedByAnyLayer()
        .ensureAllClassesAreContainedInArchitecture()
        .because(
            "core <- aws, adapters, simulator <- agent <- cli (issue 13); every package belongs to"
                + " one module's layer")
        .check(MUSTER);
  }

  /**
   * The agent's command context and wiring (the top package) are cloud-neutral: instance metadata
   * comes through {@code InstanceMetadata.Source}; only the AWS-specific components (lifecycle,
   * fleet) name aws classes.
   */
  @Test
  void theAgentsContextReachesAwsOnlyThroughSeams() {
    noClasses()
        .that()
        .resideInAPackage("io.muster.agent")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.muster.aws..")
        .because("NodeContext and the wiring serve every cloud; AWS sits behind a core seam")
        .check(MUSTER);
  }

  @Test
  void adaptersNeverDependOnEachOther() {
    slices()
        .matching("io.muster.adapter.(*)..")
        .namingSlices("adapter '$1'")
        .should()
        .notDependOnEachOther()
        .because("an adapter is found by name and stands alone; shared code belongs in core")
        .check(MUSTER);
  }

  @Test
  void onlyTheAgentSeesTheMetricsLibrary() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.muster.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.prometheus..", "io.micrometer..")
        .because(
            "core and the plugins report through io.muster.telemetry; the agent turns that into"
                + " metrics (docs/observability.md)")
        .check(MUSTER);
  }

  @Test
  void onlyCliSeesPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.muster.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because("commands and their rendering live in cli; the runtime below it is picocli-free")
        .check(MUSTER);
  }

  @Test
  void coreSeesNoAwsSdkPicocliOrLogback() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon..", "picocli..", "ch.qos.logback..")
        .because(
            "core is the JDK-only protocol; AWS lives in aws, the CLI in cli, logging set-up in agent")
        .check(MUSTER);
  }

  @Test
  void adaptersAndTheSimulatorSeeNoAwsSdkPicocliOrLogback() {
    noClasses()
        .that()
        .resideInAnyPackage(ADAPTERS, "io.muster.sim..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon..", "picocli..", "ch.qos.logback..")
        .because("adapters and the simulator build on core alone")
        .check(MUSTER);
  }

  @Test
  void awsSeesNoPicocliOrLogback() {
    noClasses()
        .that()
        .resideInAPackage("io.muster.aws..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("picocli..", "ch.qos.logback..")
        .because("aws builds on core alone")
        .check(MUSTER);
  }

  @Test
  void testSupportIsTheJdkJacksonAndJunitOnly() {
    classes()
        .that()
        .resideInAPackage("io.muster.testing..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.muster.testing..",
            "java..",
            "javax..",
            "com.sun.net.httpserver..",
            "com.fasterxml.jackson..",
            // The network guard: a JUnit launcher session listener and a Jupiter extension.
            "org.junit.platform..",
            "org.junit.jupiter.api..")
        .because("every module's tests use test-support, so it knows no muster type")
        .check(MUSTER);
  }

  @Test
  void modelDependsOnNetOnly() {
    classes()
        .that()
        .resideInAPackage("io.muster.model..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("io.muster..")
                .or(resideInAnyPackage("io.muster.model..", "io.muster.net..")))
        .because("Peer and NodeIdentity are values every layer passes around")
        .check(MUSTER);
  }

  @Test
  void configDependsOnNothingElseInMusterButTheAddressLeaf() {
    classes()
        .that()
        .resideInAPackage("io.muster.config..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("io.muster..")
                .or(resideInAnyPackage("io.muster.config..", "io.muster.net..")))
        .because(
            "keys, loading and validation sit below everything that reads a setting; an IP"
                + " address constraint parses with net, a leaf")
        .check(MUSTER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.muster.net..", "io.muster.time..", "io.muster.process.."})
  void theSeamsAreLeaves(String leaf) {
    classes()
        .that()
        .resideInAPackage(leaf)
        .should()
        .onlyDependOnClassesThat(resideOutsideOfPackage("io.muster..").or(resideInAPackage(leaf)))
        .because("the seams (addresses, time, processes) know nothing of muster")
        .check(MUSTER);
  }

  @Test
  void theElectionSeesOnlyItsSnapshotsTypes() {
    classes()
        .that()
        .resideInAPackage("io.muster.election..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("io.muster..")
                .or(
                    resideInAnyPackage(
                        "io.muster.election..",
                        "io.muster.model..",
                        "io.muster.net..",
                        "io.muster.config..")))
        .because("the election decides from a snapshot: no store, discovery, process or protocol")
        .check(MUSTER);
  }

  @Test
  void theElectionIsAPureFunctionOfItsSnapshot() {
    noClasses()
        .that()
        .resideInAPackage("io.muster.election..")
        .should()
        .dependOnClassesThat(THE_WORLD)
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(InetAddress.class, "getByName", String.class)
        .orShould()
        .callMethod(InetAddress.class, "getAllByName", String.class)
        .because(
            "the election is a pure function of its snapshot, which carries `now`: no I/O, no"
                + " clock, no lookups, no threads, no randomness")
        .check(MUSTER);
  }

  @Test
  void onlyTheProtocolsDriversUseBootstrap() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.muster.bootstrap..", "io.muster.sim..", "io.muster.agent..", "io.muster.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.muster.bootstrap..")
        .because("the protocol is the top of core: SPIs, plugins and adapters never drive it")
        .check(MUSTER);
  }

  @Test
  void bootstrapWorksThroughTheSpisOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.muster.bootstrap..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.muster.discovery.dns..",
            "io.muster.discovery.staticlist..",
            "io.muster.credentials.file..",
            "io.muster.plugin..",
            "io.muster.node..",
            "io.muster.process..")
        .because(
            "the protocol sees Discovery, CredentialStore and ClusterAdapter; building them is"
                + " wiring (plugin, node) done by its drivers")
        .check(MUSTER);
  }

  @Test
  void theSpisKnowNoImplementationNorTheProtocol() {
    noClasses()
        .that()
        .resideInAnyPackage("io.muster.adapter", "io.muster.discovery", "io.muster.credentials")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.muster.bootstrap..", "io.muster.election..", "io.muster.node..", ADAPTERS)
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(CORE_PLUGINS)
        .because("an SPI is implemented by plugins and used by the protocol, not the other way")
        .check(MUSTER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.muster.discovery.dns..",
        "io.muster.discovery.staticlist..",
        "io.muster.credentials.file.."
      })
  void coresPluginsStandAlone(String plugin) {
    noClasses()
        .that()
        .resideInAPackage(plugin)
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(CORE_PLUGINS)
                .and(not(resideInAPackage(plugin)))
                .or(resideInAnyPackage("io.muster.bootstrap..", "io.muster.election..")))
        .because(
            "a plugin shares code through its SPI package, not another plugin, and serves the"
                + " protocol without driving it")
        .check(MUSTER);
  }

  /**
   * Known exception (to remove): {@link Plugins} names the three SPIs it loads, and each SPI names
   * {@code Plugin} and {@code PluginContext}, so plugin and the SPI packages form cycles. Declaring
   * each kind beside its SPI (e.g. {@code AdapterProvider.KIND}) would break them.
   */
  @Test
  void packagesAreFreeOfCycles() {
    slices()
        .matching("io.muster.(**)")
        .should()
        .beFreeOfCycles()
        .ignoreDependency(
            type(Plugins.class),
            belongToAnyOf(
                AdapterProvider.class, DiscoveryProvider.class, CredentialStoreProvider.class))
        .because("a cycle makes two packages one; the layering above is only meaningful without")
        .check(MUSTER);
  }
}
