package io.muster.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.config.CoreKeys;
import io.muster.config.Key;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationSettingsTest {
  @Test
  void protocolOptionsDefaultToTheirKeysOneDefault() {
    SimulationSettings s = SimulationSettings.defaults();
    var bootstrap = s.protocol().bootstrap();
    assertThat(bootstrap.election().stableFor())
        .isEqualTo(CoreKeys.ELECTION_STABLE_FOR.defaultDuration());
    assertThat(bootstrap.election().replaceAfter())
        .isEqualTo(CoreKeys.ELECTION_REPLACE_AFTER.defaultDuration());
    assertThat(bootstrap.interval()).isEqualTo(CoreKeys.DISCOVERY_INTERVAL.defaultDuration());
    assertThat(bootstrap.fleetRate()).isEqualTo(CoreKeys.DISCOVERY_FLEET_RATE.defaultInt());
    for (Key k : SimulationSettings.PROTOCOL_KEYS) {
      assertThat(SimulationSettings.options())
          .anySatisfy(
              o -> {
                assertThat(o.name()).isEqualTo(SimulationSettings.optionName(k));
                assertThat(o.defaultValue()).isEqualTo(k.defaultValue());
              });
    }
  }

  @Test
  void replaceAfterCanBeVariedAndIsBuiltAsProductionBuildsIt() {
    SimulationSettings s = SimulationSettings.parse(List.of("--replace-after", "5m"));
    assertThat(s.protocol().bootstrap().election().replaceAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.changedOptions()).containsExactly("--replace-after", "5m");
    // The backoff cap is derived as production derives it, from the interval.
    assertThat(SimulationSettings.parse(List.of("--interval", "90s")).protocol().bootstrap())
        .extracting(b -> b.backoffCap())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void aProtocolValueOutsideItsKeysBoundsNamesTheKeyAndTheOption() {
    assertThatThrownBy(() -> SimulationSettings.parse(List.of("--replace-after", "0s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "election.replace-after='0s' (from simulate --replace-after): out of range. Use a"
                + " duration from 1s to 24h");
    assertThatThrownBy(() -> SimulationSettings.parse(List.of("--min-peers", "-3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("election.min-peers='-3' (from simulate --min-peers): out of range");
  }
}
