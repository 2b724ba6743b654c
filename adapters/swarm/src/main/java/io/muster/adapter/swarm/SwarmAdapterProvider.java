package io.muster.adapter.swarm;

import io.muster.adapter.Adapter;
import io.muster.adapter.AdapterProvider;
import io.muster.config.Key;
import io.muster.plugin.PluginContext;
import io.muster.time.Deadline;
import java.util.List;

/** Registers the {@code swarm} adapter and its keys. */
public final class SwarmAdapterProvider implements AdapterProvider {

  @Override
  public String name() {
    return "swarm";
  }

  @Override
  public String section() {
    return "Adapter: swarm";
  }

  @Override
  public List<Key> keys() {
    return SwarmKeys.all();
  }

  @Override
  public Adapter create(PluginContext context) {
    SwarmSettings settings = SwarmSettings.from(context.settings());
    return new SwarmAdapter(
        settings,
        context.identity(),
        new HttpDockerEngine(
            settings.socket(),
            context.shared().get(Deadline.class, () -> new Deadline(context.clock()))),
        NodeCertificate.FILE,
        context.clock(),
        context.sleeper());
  }
}
