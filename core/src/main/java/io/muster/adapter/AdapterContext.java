package io.muster.adapter;

import io.muster.config.Settings;
import io.muster.node.NodeIdentity;
import io.muster.process.ProcessRunner;
import io.muster.time.Sleeper;
import java.time.Clock;
import java.util.function.Supplier;

/** What an adapter may use: its settings, this node, and the seams for processes and time. */
public record AdapterContext(
    Settings settings,
    Supplier<NodeIdentity> identity,
    ProcessRunner processes,
    Clock clock,
    Sleeper sleeper) {}
