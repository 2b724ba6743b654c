package io.muster.adapter.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JoinFailureTest {

  // Messages as Docker 20.10.24 returns them (seen in the integration environment).
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "400|rpc error: code = InvalidArgument desc = A valid join token is necessary to join this"
            + " cluster|TOKEN_REJECTED",
        "500|remote CA does not match fingerprint. Expected: 9529c6f3c5558ac3|TOKEN_REJECTED",
        "500|invalid join token|TOKEN_REJECTED",
        "503|rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while"
            + " dialing dial tcp 10.99.2.2:2377: connect: connection refused\"|TARGET_UNREACHABLE",
        "503|Timeout was reached before node joined. The attempt to join the swarm will continue in"
            + " the background. Use the \"docker info\" command to see the current swarm status of"
            + " your node.|TIMED_OUT",
        "503|This node is already part of a swarm. Use \"docker swarm leave\" to leave this swarm"
            + " and join another one.|ALREADY_IN_SWARM",
        "500|something else entirely|OTHER",
      })
  void classifiesEngineAnswers(int status, String message, JoinFailure expected) {
    assertThat(JoinFailure.of(new EngineException("POST /swarm/join", status, message)))
        .isEqualTo(expected);
  }

  @Test
  void noAnswerIsATimeoutButAnUnreachableOwnEngineIsNot() {
    assertThat(
            JoinFailure.of(
                new EngineException("j", EngineException.Failure.NO_ANSWER, "no answer", null)))
        .isEqualTo(JoinFailure.TIMED_OUT);
    assertThat(
            JoinFailure.of(
                new EngineException("j", EngineException.Failure.UNREACHABLE, "refused", null)))
        .isEqualTo(JoinFailure.OTHER);
  }
}
