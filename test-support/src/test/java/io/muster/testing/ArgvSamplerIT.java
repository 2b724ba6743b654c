package io.muster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The argv sampler used by the swarm and ejabberd integration tests does catch a secret in a real
 * process's argv, and reports it without repeating it.
 */
class ArgvSamplerIT {

  @Test
  void catchesATokenInAnotherProcesssArgvWithoutRepeatingIt() throws Exception {
    String canary = "SWMTKN-1-canarydigest-canarysecret";
    try (ArgvSampler sampler = new ArgvSampler(Duration.ofMillis(10)).watch("SWMTKN-")) {
      // sh's $0 is the canary: it sits in the process's argv for a second.
      Process p = new ProcessBuilder("sh", "-c", "sleep 1", canary).start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sampler.sawArgvContaining("canarydigest")).isTrue();
      assertThat(sampler.violations())
          .isNotEmpty()
          .allMatch(v -> v.contains("pid ") && !v.contains("canarysecret"));
    }
  }

  @Test
  void aWatchedSecretWithoutTheTokenPrefixIsCaughtToo() throws Exception {
    try (ArgvSampler sampler = new ArgvSampler(Duration.ofMillis(10))) {
      sampler.watch("plainsecret-4711");
      Process p = new ProcessBuilder("sh", "-c", "sleep 1", "x-plainsecret-4711-y").start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sampler.violations()).hasSizeGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void aSecretAskedAboutAfterwardsNamesTheProgramOnly() throws Exception {
    try (ArgvSampler sampler = new ArgvSampler()) {
      Process p = new ProcessBuilder("sh", "-c", "sleep 1", "x-latesecret-0815-y").start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sampler.programsWhoseArgvHeld("latesecret-0815")).containsExactly("sh");
      assertThat(sampler.programsWhoseArgvHeld("never-seen")).isEmpty();
      assertThat(sampler.overflowed()).isFalse();
    }
  }
}
