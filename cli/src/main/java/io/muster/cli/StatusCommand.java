package io.muster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.muster.adapter.Adapter;
import io.muster.adapter.ClusterAdapter;
import io.muster.adapter.LocalMembership;
import io.muster.agent.AgentKeys;
import io.muster.agent.NodeContext;
import io.muster.agent.Wiring;
import io.muster.agent.http.HttpAddress;
import io.muster.agent.http.StatusClient;
import io.muster.bootstrap.Membership;
import io.muster.bootstrap.NodeState;
import io.muster.credentials.MemberRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code muster status}: is this node a member, of which generation, who else is, and what the last
 * bootstrap step decided. Asks the running agent ({@code /status} on agent.http-address) first and
 * falls back to the files under state.dir when no agent answers; says which it did ("source"). Exit
 * 0 when a member (usable as a health check), 1 when not.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show membership, cluster id, members, seed and the last decision: from the running agent,"
            + " else from the local files. Exit 0 if a member, 1 if not.")
final class StatusCommand extends ConfiguredCommand {
  @Option(names = "--output", defaultValue = "text", description = "text or json")
  OutputFormat output;

  /** How long to wait for the agent before reading the files instead. */
  private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(2);

  @Override
  int run(NodeContext ctx) throws Exception {
    Optional<String> address = ctx.settings().optionalString(AgentKeys.HTTP_ADDRESS);
    String noAgent = "agent.http-address is empty: no agent to ask";
    if (address.isPresent()) {
      StatusClient.Answer answer =
          StatusClient.fetch(HttpAddress.parse(address.get()), AGENT_TIMEOUT);
      if (answer instanceof StatusClient.Answer.Status s) {
        return fromAgent(s);
      }
      noAgent =
          "no agent answered at "
              + answer.url()
              + " ("
              + ((StatusClient.Answer.NoAgent) answer).why()
              + ")";
    }
    return fromFiles(ctx, noAgent);
  }

  /** The running agent's own view: its /status document, as it is or as text. */
  private int fromAgent(StatusClient.Answer.Status answer) throws Exception {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = (ObjectNode) m.readTree(answer.json());
    root.put("url", answer.url());
    boolean member = root.path("member").asBoolean(false);
    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      out.println(m.writeValueAsString(root));
    } else {
      new AgentStatusText(root).print(out, answer.url());
    }
    out.flush();
    return member ? Main.OK : Main.FAILED;
  }

  /** The files under state.dir, the store and the adapter, read by this command itself. */
  private int fromFiles(NodeContext ctx, String noAgent) throws Exception {
    Wiring w = new Wiring(ctx);
    NodeState state = w.state();
    List<String> problems = new ArrayList<>();
    Optional<Membership> membership = state.membership();
    Optional<NodeState.StepRecord> last = state.lastStep();
    LocalMembership local = null;
    String adapterName = null;
    try {
      Adapter a = w.adapter();
      adapterName = a.name();
      if (a instanceof ClusterAdapter c) {
        local = c.inspect();
      }
    } catch (Exception e) {
      problems.add("adapter: " + e.getMessage());
    }
    List<MemberRecord> registered = List.of();
    try {
      registered = w.store().members();
    } catch (Exception e) {
      problems.add("store: " + e.getMessage());
    }
    boolean member = membership.isPresent() && (local == null || local.running());

    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = m.createObjectNode();
    root.put("source", "files");
    root.put("agent", noAgent);
    root.put("cluster", w.bootstrap().cluster());
    root.put("member", member);
    root.put("generation", membership.map(Membership::generation).orElse(0L));
    root.put("clusterId", membership.map(Membership::clusterId).orElse(null));
    root.put("since", membership.map(x -> x.since().toString()).orElse(null));
    ObjectNode ad = root.putObject("adapter");
    ad.put("name", adapterName);
    if (local != null) {
      ad.put("running", local.running());
      ad.put("clustered", local.clustered());
      ArrayNode lm = ad.putArray("members");
      local.members().forEach(lm::add);
    }
    ArrayNode reg = root.putArray("registeredMembers");
    for (MemberRecord r : registered) {
      ObjectNode n = reg.addObject();
      n.put("instanceId", r.instanceId());
      n.put("address", r.address());
      n.put("generation", r.generation());
      n.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    }
    root.put("seed", last.map(NodeState.StepRecord::seed).orElse(null));
    if (last.isPresent()) {
      ObjectNode ld = root.putObject("lastDecision");
      ld.put("at", last.get().at().toString());
      ld.put("decision", last.get().decision());
      ld.put("reason", last.get().reason());
      ld.put("viewSize", last.get().viewSize());
    } else {
      root.putNull("lastDecision");
    }
    ArrayNode pr = root.putArray("problems");
    problems.forEach(pr::add);

    PrintWriter out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      out.println(m.writeValueAsString(root));
    } else {
      out.println("source:      files (" + noAgent + ")");
      out.println("cluster:     " + w.bootstrap().cluster());
      out.println(
          "member:      "
              + (member
                  ? "yes, generation "
                      + membership.get().generation()
                      + " ("
                      + membership.get().clusterId()
                      + ") since "
                      + membership.get().since()
                  : "no"));
      if (local != null) {
        out.println(
            "adapter:     "
                + adapterName
                + (local.running() ? " running" : " NOT running")
                + ", members "
                + local.members());
      }
      out.println("registered:  " + registered.size() + " member record(s)");
      last.ifPresent(
          s -> {
            out.println("seed:        " + s.seed());
            out.println(
                "last step:   "
                    + s.at()
                    + " "
                    + s.decision()
                    + " (view "
                    + s.viewSize()
                    + "): "
                    + s.reason());
          });
      problems.forEach(p -> out.println("problem:     " + p));
    }
    out.flush();
    return member ? Main.OK : Main.FAILED;
  }
}
