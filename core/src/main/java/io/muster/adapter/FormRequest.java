package io.muster.adapter;

import io.muster.node.NodeIdentity;

/**
 * @param cluster the cluster name
 * @param clusterId the id of the generation being formed
 * @param self this node
 */
public record FormRequest(String cluster, String clusterId, NodeIdentity self) {}
