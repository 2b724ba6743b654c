package io.muster.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muster.agent.AgentKeys;
import io.muster.config.ConfigException;
import io.muster.config.KeyRegistry;
import io.muster.config.SettingsLoader;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpAddressTest {

  @Test
  void parsesIpv4AndBracketedIpv6WithAPort() {
    assertThat(HttpAddress.format(HttpAddress.parse("127.0.0.1:9797"))).isEqualTo("127.0.0.1:9797");
    assertThat(HttpAddress.parse("[::1]:0").getPort()).isZero();
    assertThat(HttpAddress.parse("[::1]:0").getAddress().isLoopbackAddress()).isTrue();
    assertThat(HttpAddress.format(HttpAddress.reachable(HttpAddress.parse("0.0.0.0:9797"))))
        .as("a wildcard is asked through loopback")
        .isEqualTo("127.0.0.1:9797");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost:9797|'localhost' is not an IP address",
        "127.0.0.1|not ADDRESS:PORT",
        "127.0.0.1:|not ADDRESS:PORT",
        "127.0.0.1:http|the port is not a number",
        "127.0.0.1:70000|the port is not from 0 to 65535",
        "::1:9797|an IPv6 address must be in brackets"
      })
  void rejectsWhatItCannotBindAsIs(String value, String problem) {
    assertThatThrownBy(() -> HttpAddress.parse(value)).hasMessage(problem);
  }

  @Test
  void theKeyIsCheckedWhenSettingsLoadNamingKeyValueAndFix() {
    KeyRegistry registry = new KeyRegistry(List.of(new AgentKeys()));
    SettingsLoader loader = new SettingsLoader(registry);

    assertThatThrownBy(
            () ->
                loader.load(null, Map.of("MUSTER_AGENT_HTTP_ADDRESS", "example.com:80"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.http-address")
        .hasMessageContaining("example.com:80")
        .hasMessageContaining("127.0.0.1:9797");
    assertThat(
            loader
                .load(null, Map.of("MUSTER_AGENT_HTTP_ADDRESS", ""), Map.of())
                .optionalString(AgentKeys.HTTP_ADDRESS))
        .as("empty disables the endpoint")
        .isEmpty();
    assertThat(
            loader
                .load(null, Map.of(), Map.of())
                .optionalString(AgentKeys.HTTP_ADDRESS)
                .map(HttpAddress::parse)
                .map(InetSocketAddress::getAddress)
                .map(a -> a.isLoopbackAddress()))
        .as("loopback by default")
        .contains(true);
  }
}
