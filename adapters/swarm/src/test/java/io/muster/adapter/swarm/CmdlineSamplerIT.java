package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The argv sampler used by {@link SwarmAdapterIT} does catch a token in a real process's argv. */
class CmdlineSamplerIT {

  @Test
  void catchesATokenInAnotherProcesssArgvWithoutRepeatingIt() throws Exception {
    String canary = "SWMTKN-1-canarydigest-canarysecret";
    try (CmdlineSampler sampler = new CmdlineSampler("canarydigest")) {
      // sh's $0 is the canary: it sits in the process's argv for a second.
      Process p = new ProcessBuilder("sh", "-c", "sleep 1", canary).start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sampler.sawExpected()).isTrue();
      assertThat(sampler.violations())
          .isNotEmpty()
          .allMatch(v -> v.contains("pid ") && !v.contains("canarysecret"));
    }
  }

  @Test
  void aWatchedSecretWithoutTheTokenPrefixIsCaughtToo() throws Exception {
    try (CmdlineSampler sampler = new CmdlineSampler("plainsecret")) {
      sampler.watch("plainsecret-4711");
      Process p = new ProcessBuilder("sh", "-c", "sleep 1", "x-plainsecret-4711-y").start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sampler.violations()).hasSizeGreaterThanOrEqualTo(1);
    }
  }
}
