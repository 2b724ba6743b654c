package io.muster.discovery;

import io.muster.aws.AwsClients;
import io.muster.config.Settings;
import io.muster.node.NodeIdentity;
import java.util.function.Supplier;

/**
 * What a provider may use to build itself. Identity and AWS clients are suppliers so that a
 * provider that needs neither (static) never touches instance metadata or loads the AWS SDK.
 */
public record DiscoveryContext(
    Settings settings, Supplier<NodeIdentity> identity, Supplier<AwsClients> aws) {}
