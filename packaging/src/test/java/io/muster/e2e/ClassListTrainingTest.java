package io.muster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the trained class lists keep: the pure ordering and filtering, without a training run. */
class ClassListTrainingTest {

  @Test
  void theSdksGeneratedClientsAndTheirLambdasStayOutOfTheList() {
    Set<String> loaded =
        new LinkedHashSet<>(
            List.of(
                "software/amazon/awssdk/services/ec2/DefaultEc2Client",
                "software/amazon/awssdk/services/ec2/DefaultEc2ClientBuilder",
                "software/amazon/awssdk/services/ec2/Ec2Client",
                "software/amazon/awssdk/services/ssm/DefaultSsmClient",
                "software/amazon/awssdk/services/autoscaling/DefaultAutoScalingClient",
                "software/amazon/awssdk/services/ec2/model/DescribeInstancesRequest",
                "@lambda-proxy software/amazon/awssdk/services/ec2/DefaultEc2Client get"
                    + " ()Ljava/util/function/Supplier;",
                "@lambda-proxy software/amazon/awssdk/services/ec2/model/Filter apply"
                    + " ()Ljava/util/function/Function;"));

    List<String> out = ClassListTraining.ordered(List.of(loaded));

    assertThat(out)
        .doesNotContain(
            "software/amazon/awssdk/services/ec2/DefaultEc2Client",
            "software/amazon/awssdk/services/ssm/DefaultSsmClient",
            "software/amazon/awssdk/services/autoscaling/DefaultAutoScalingClient")
        .noneMatch(l -> l.startsWith("@lambda-proxy software/amazon/awssdk/services/ec2/Default"))
        // The builders, the interfaces and the model classes the calls use stay in the archive.
        .contains(
            "software/amazon/awssdk/services/ec2/DefaultEc2ClientBuilder",
            "software/amazon/awssdk/services/ec2/Ec2Client",
            "software/amazon/awssdk/services/ec2/model/DescribeInstancesRequest",
            "@lambda-proxy software/amazon/awssdk/services/ec2/model/Filter apply"
                + " ()Ljava/util/function/Function;");
  }

  @Test
  void groupsKeepTheirOrderAndEachClassAppearsOnce() {
    List<String> out =
        ClassListTraining.ordered(
            List.of(
                new LinkedHashSet<>(List.of("b/Static", "a/Static")),
                new LinkedHashSet<>(List.of("a/Static", "c/Aws")),
                new LinkedHashSet<>(List.of("java/security/InvalidParameterException"))));

    assertThat(out.subList(1, out.size())).containsExactly("a/Static", "b/Static", "c/Aws");
  }
}
