package io.muster.sim;

import io.muster.bootstrap.BootstrapSettings;
import io.muster.config.ConfigException;
import io.muster.config.CoreKeys;
import io.muster.config.Durations;
import io.muster.config.Key;
import io.muster.config.Settings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything a simulation depends on. Run {@code i} of a simulation uses seed {@code seed + i}, so
 * {@code --seed (seed + i) --runs 1} with the same other options replays it exactly ({@link
 * #reproduction(long)}). {@code threads} only changes how fast the runs go, never their results.
 *
 * @param nodes instances per fleet (the Auto Scaling group's desired capacity)
 * @param runs independent randomized runs
 * @param seed seed of run 0
 * @param threads worker threads (runs are spread over a fixed pool)
 * @param strategies which bootstrap logics to run on each world (same seed, same world)
 * @param fleet the Auto Scaling group and its instances
 * @param aws the simulated AWS APIs and credential store
 * @param faults how often each fault strikes
 * @param protocol muster's bootstrap settings and the checks' bounds
 * @param forced faults injected on purpose, on top of the random ones
 */
public record SimulationSettings(
    int nodes,
    int runs,
    long seed,
    int threads,
    List<Strategy> strategies,
    Fleet fleet,
    Aws aws,
    Faults faults,
    Protocol protocol,
    List<ForcedFault> forced) {

  public SimulationSettings {
    if (nodes < 1 || nodes > 10_000) {
      throw new IllegalArgumentException("--nodes must be 1..10000: " + nodes);
    }
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1: " + runs);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1: " + threads);
    }
    strategies = List.copyOf(strategies);
    if (strategies.isEmpty()) {
      throw new IllegalArgumentException("--strategies must name muster, naive or both");
    }
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(protocol, "protocol");
    forced = List.copyOf(forced);
  }

  /**
   * @param launchWindow instances launch uniformly over this window
   * @param bootMin shortest time from launch to the agent starting
   * @param bootMax longest time from launch to the agent starting
   * @param viewLag each node sees each instance only after a per-(observer, instance) delay,
   *     uniform in [0, viewLag], counted from the instance's launch
   * @param stale each node keeps seeing a terminated instance for a per-pair delay uniform in [0,
   *     stale] (0: never)
   * @param replaceDelay the group launches a replacement for a terminated instance after a delay
   *     uniform in [replaceDelay / 3, replaceDelay]
   * @param addressReuse probability that a replacement gets the address of the instance it replaces
   */
  public record Fleet(
      Duration launchWindow,
      Duration bootMin,
      Duration bootMax,
      Duration viewLag,
      Duration stale,
      Duration replaceDelay,
      double addressReuse) {
    public Fleet {
      nonNegative("--launch-window", launchWindow);
      nonNegative("--boot-min", bootMin);
      nonNegative("--boot-max", bootMax);
      if (bootMax.compareTo(bootMin) < 0) {
        throw new IllegalArgumentException("--boot-max must not be below --boot-min");
      }
      nonNegative("--view-lag", viewLag);
      nonNegative("--stale", stale);
      nonNegative("--replace-delay", replaceDelay);
      probability("--address-reuse", addressReuse);
    }
  }

  /**
   * @param latencyMin shortest AWS API call
   * @param latencyMax longest AWS API call (uniform in between)
   * @param errorRate probability that an AWS call fails with a server error
   * @param ec2Bucket EC2 token bucket size for describe (non-mutating) actions
   * @param ec2Refill EC2 bucket refill, tokens per second
   * @param asgBucket Auto Scaling token bucket size for describe actions
   * @param asgRefill Auto Scaling bucket refill, tokens per second
   * @param discovery how a discovery pass calls AWS: {@code asg} (a listing is DescribeInstances
   *     filtered by the group's tag, {@code pageSize} instances per call; the authoritative pass
   *     before forming adds one DescribeAutoScalingGroups) or {@code ec2-tags} (DescribeInstances
   *     only)
   * @param pageSize instances per DescribeInstances call
   * @param storeLatencyMin shortest credential store call
   * @param storeLatencyMax longest credential store call
   * @param storeErrorRate probability that a store call fails
   * @param storeQuota which store the fleet uses and the account's request quotas for it (the
   *     default deployment's: SSM with standard throughput)
   */
  public record Aws(
      Duration latencyMin,
      Duration latencyMax,
      double errorRate,
      int ec2Bucket,
      double ec2Refill,
      int asgBucket,
      double asgRefill,
      String discovery,
      int pageSize,
      Duration storeLatencyMin,
      Duration storeLatencyMax,
      double storeErrorRate,
      StoreQuota storeQuota) {
    public Aws {
      nonNegative("--api-latency-min", latencyMin);
      if (latencyMax.compareTo(latencyMin) < 0) {
        throw new IllegalArgumentException("--api-latency-max must not be below --api-latency-min");
      }
      probability("--api-error-rate", errorRate);
      if (ec2Bucket < 1 || asgBucket < 1 || ec2Refill <= 0 || asgRefill <= 0) {
        throw new IllegalArgumentException(
            "token buckets need a size >= 1 and a refill > 0 (--ec2-bucket, --ec2-refill,"
                + " --asg-bucket, --asg-refill)");
      }
      if (!discovery.equals("asg") && !discovery.equals("ec2-tags")) {
        throw new IllegalArgumentException("--discovery must be asg or ec2-tags: " + discovery);
      }
      if (pageSize < 1) {
        throw new IllegalArgumentException("--page-size must be at least 1: " + pageSize);
      }
      nonNegative("--store-latency-min", storeLatencyMin);
      if (storeLatencyMax.compareTo(storeLatencyMin) < 0) {
        throw new IllegalArgumentException(
            "--store-latency-max must not be below --store-latency-min");
      }
      probability("--store-error-rate", storeErrorRate);
      Objects.requireNonNull(storeQuota, "storeQuota");
    }
  }

  /**
   * @param crash probability that a node's agent crashes once, at a random step kind
   * @param restartDelay the agent restarts after a delay uniform in [1s, restartDelay]
   * @param lostWrite probability that a store write's outcome is unknown to its caller (the call
   *     fails; the write took effect or not)
   * @param terminate probability that a node's instance is terminated in the middle of its join
   * @param fleetLoss probability that a run loses its whole first fleet, after which a second fleet
   *     launches
   * @param pairJoin probability that joining through a standalone node makes a new cluster of the
   *     two (otherwise the join fails)
   * @param rerun probability that a finished member runs {@code muster join} again (S3 check)
   */
  public record Faults(
      double crash,
      Duration restartDelay,
      double lostWrite,
      double terminate,
      double fleetLoss,
      double pairJoin,
      double rerun) {
    public Faults {
      probability("--crash-rate", crash);
      if (restartDelay.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("--restart-delay must be at least 1s");
      }
      probability("--lost-write-rate", lostWrite);
      probability("--terminate-rate", terminate);
      probability("--fleet-loss-rate", fleetLoss);
      probability("--pair-join", pairJoin);
      probability("--rerun-rate", rerun);
    }
  }

  /**
   * muster's own settings, built from the protocol options by the same code as production ({@link
   * BootstrapSettings#from}), so every protocol key keeps its one declared default and its
   * constraints, and the simulation can vary any of them.
   *
   * @param muster the protocol keys as options gave them (see {@link #PROTOCOL_KEYS})
   * @param bootstrap what {@code muster join} would build from them
   * @param naiveRetry the naive script's retry period
   * @param l1Bound L1 holds when every live node is a member within this long after the view
   *     stabilised and the last fault
   */
  public record Protocol(
      Settings muster, BootstrapSettings bootstrap, Duration naiveRetry, Duration l1Bound) {
    public Protocol {
      Objects.requireNonNull(muster, "muster");
      Objects.requireNonNull(bootstrap, "bootstrap");
      if (naiveRetry.toMillis() < 100 || l1Bound.toMillis() < 1000) {
        throw new IllegalArgumentException("--naive-retry >= 100ms and --l1-bound >= 1s");
      }
    }

    /**
     * @param options protocol option values by key (option text as given)
     */
    static Protocol of(Map<Key, String> options, Duration naiveRetry, Duration l1Bound) {
      Map<String, Settings.Raw> raw = new LinkedHashMap<>();
      raw.put(CoreKeys.CLUSTER_NAME.name(), new Settings.Raw(List.of(CLUSTER), "simulate"));
      // A simulated join never gives up: L1 is checked against --l1-bound instead.
      raw.put(CoreKeys.JOIN_TIMEOUT.name(), new Settings.Raw(List.of("1d"), "simulate"));
      options.forEach(
          (key, value) ->
              raw.put(
                  key.name(), new Settings.Raw(List.of(value), "simulate --" + optionName(key))));
      Settings muster = new Settings(raw);
      try {
        return new Protocol(muster, BootstrapSettings.from(muster), naiveRetry, l1Bound);
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    /** The option's value as {@link Option#current()} prints it. */
    String text(Key key) {
      String v = muster.optionalString(key).orElseThrow();
      return canonical(v);
    }
  }

  /** The cluster name every simulated node uses. */
  static final String CLUSTER = "sim";

  /**
   * The protocol keys {@code muster simulate} exposes as options, each named by its last segment
   * ({@code --stable-for}) with its declared default. Add a key here to vary it.
   */
  public static final List<Key> PROTOCOL_KEYS =
      List.of(
          CoreKeys.ELECTION_STABLE_FOR,
          CoreKeys.DISCOVERY_INTERVAL,
          CoreKeys.ELECTION_MIN_PEERS,
          CoreKeys.DISCOVERY_FLEET_RATE,
          CoreKeys.STORE_FLEET_RATE,
          CoreKeys.ELECTION_REPLACE_AFTER);

  static String optionName(Key key) {
    if (key == CoreKeys.STORE_FLEET_RATE) {
      return "store-fleet-rate"; // "fleet-rate" is discovery's
    }
    return key.name().substring(key.name().lastIndexOf('.') + 1);
  }

  private static void nonNegative(String flag, Duration d) {
    Objects.requireNonNull(d, flag);
    if (d.isNegative()) {
      throw new IllegalArgumentException(flag + " must not be negative: " + d);
    }
  }

  private static void probability(String flag, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(flag + " must be a probability in [0, 1]: " + p);
    }
  }

  /** The defaults (all faults on). */
  public static SimulationSettings defaults() {
    return parse(List.of());
  }

  /** The seed of run {@code index}. */
  public long runSeed(int index) {
    return seed + index;
  }

  public SimulationSettings withNodes(int n) {
    return new SimulationSettings(
        n, runs, seed, threads, strategies, fleet, aws, faults, protocol, forced);
  }

  public SimulationSettings withRuns(int r, long s) {
    return new SimulationSettings(
        nodes, r, s, threads, strategies, fleet, aws, faults, protocol, forced);
  }

  public SimulationSettings withThreads(int t) {
    return new SimulationSettings(
        nodes, runs, seed, t, strategies, fleet, aws, faults, protocol, forced);
  }

  public SimulationSettings withStrategies(List<Strategy> s) {
    return new SimulationSettings(
        nodes, runs, seed, threads, s, fleet, aws, faults, protocol, forced);
  }

  public SimulationSettings withFaults(Faults f) {
    return new SimulationSettings(
        nodes, runs, seed, threads, strategies, fleet, aws, f, protocol, forced);
  }

  public SimulationSettings withForced(List<ForcedFault> f) {
    return new SimulationSettings(
        nodes, runs, seed, threads, strategies, fleet, aws, faults, protocol, f);
  }

  // ---------------------------------------------------------------------------------------------
  // Options: each declared once (name, default with all faults on, default with --faults none,
  // doc, how to read it back from settings), so parsing, help and reproduction agree.

  /** One command-line option of {@code muster simulate}. */
  public record Option(
      String name,
      String defaultValue,
      String defaultWithoutFaults,
      String doc,
      Function<SimulationSettings, String> current) {}

  private static final List<Option> OPTIONS = new ArrayList<>();

  private static Option opt(
      String name, String def, String doc, Function<SimulationSettings, String> current) {
    return opt(name, def, def, doc, current);
  }

  private static Option opt(
      String name,
      String def,
      String defNoFaults,
      String doc,
      Function<SimulationSettings, String> current) {
    Option o = new Option(name, def, defNoFaults, doc, current);
    OPTIONS.add(o);
    return o;
  }

  static {
    opt("nodes", "10", "Instances per fleet.", s -> Integer.toString(s.nodes));
    opt("runs", "100", "Independent randomized runs.", s -> Integer.toString(s.runs));
    opt("seed", "1", "Seed of run 0; run i uses seed + i.", s -> Long.toString(s.seed));
    opt("threads", "0", "Worker threads (0: one per core). Never changes results.", s -> "0");
    opt(
        "strategies",
        "muster,naive",
        "Bootstrap logics to compare on the same worlds: muster, naive.",
        s -> s.strategies.stream().map(Strategy::label).collect(Collectors.joining(",")));
    opt(
        "faults",
        "all",
        "Fault preset: all (defaults below) or none (no crash, loss, termination, errors).",
        s ->
            s.faults.crash == 0
                    && s.faults.lostWrite == 0
                    && s.faults.terminate == 0
                    && s.faults.fleetLoss == 0
                    && s.aws.errorRate == 0
                    && s.aws.storeErrorRate == 0
                ? "none"
                : "all");
    opt("launch-window", "60s", "Instances launch over this window.", s -> d(s.fleet.launchWindow));
    opt("boot-min", "5s", "Shortest launch-to-agent-start time.", s -> d(s.fleet.bootMin));
    opt("boot-max", "25s", "Longest launch-to-agent-start time.", s -> d(s.fleet.bootMax));
    opt(
        "view-lag",
        "15s",
        "Per-(observer, instance) discovery lag, uniform up to this.",
        s -> d(s.fleet.viewLag));
    opt(
        "stale",
        "10s",
        "Terminated instances stay in views up to this long (0: never).",
        s -> d(s.fleet.stale));
    opt(
        "replace-delay",
        "30s",
        "The group replaces a terminated instance within this delay.",
        s -> d(s.fleet.replaceDelay));
    opt(
        "address-reuse",
        "0.5",
        "Probability a replacement reuses the terminated instance's address.",
        s -> p(s.fleet.addressReuse));
    opt("api-latency-min", "30ms", "Shortest AWS API call.", s -> d(s.aws.latencyMin));
    opt("api-latency-max", "250ms", "Longest AWS API call.", s -> d(s.aws.latencyMax));
    opt(
        "api-error-rate",
        "0.01",
        "0",
        "Probability an AWS call fails (server error).",
        s -> p(s.aws.errorRate));
    opt(
        "ec2-bucket",
        "100",
        "EC2 describe token bucket size (EC2's documented default for non-mutating actions).",
        s -> Integer.toString(s.aws.ec2Bucket));
    opt(
        "ec2-refill",
        "20",
        "EC2 describe bucket refill per second (EC2's documented default).",
        s -> p(s.aws.ec2Refill));
    opt(
        "asg-bucket",
        "40",
        "Auto Scaling describe token bucket size (AWS does not publish it; an assumption).",
        s -> Integer.toString(s.aws.asgBucket));
    opt(
        "asg-refill",
        "4",
        "Auto Scaling describe bucket refill per second (an assumption).",
        s -> p(s.aws.asgRefill));
    opt(
        "discovery",
        "asg",
        "Discovery calls: asg (listing: DescribeInstances filtered by the group's tag; before"
            + " forming also DescribeAutoScalingGroups) or ec2-tags (DescribeInstances only).",
        s -> s.aws.discovery);
    opt(
        "page-size",
        "1000",
        "Instances per DescribeInstances page (EC2's maximum with a filter is 1000).",
        s -> Integer.toString(s.aws.pageSize));
    opt(
        "store-latency-min",
        "10ms",
        "Shortest credential store call.",
        s -> d(s.aws.storeLatencyMin));
    opt(
        "store-latency-max",
        "80ms",
        "Longest credential store call.",
        s -> d(s.aws.storeLatencyMax));
    opt(
        "store-error-rate",
        "0.01",
        "0",
        "Probability a credential store call fails.",
        s -> p(s.aws.storeErrorRate));
    opt(
        "store",
        "ssm",
        "Credential store whose API calls and quotas are modelled: ssm (the default store) or"
            + " secretsmanager (GetSecretValue 10,000/s, ListSecrets 100/s, CreateSecret,"
            + " PutSecretValue and DeleteSecret 50/s each).",
        s -> s.aws.storeQuota.store());
    opt(
        "store-throughput",
        "standard",
        "The account's store quota: standard (SSM: GetParameter, GetParameters and"
            + " GetParametersByPath share 40 requests/s), higher (SSM's higher throughput:"
            + " GetParameter(s) 3,000/s, GetParametersByPath 100/s) or unlimited.",
        s -> s.aws.storeQuota.throughput());
    opt(
        "store-write-rate",
        "0",
        "SSM PutParameter/DeleteParameter requests/s in a bucket of their own (0: they share the"
            + " published quota; AWS does not publish a separate one, AWS Support has reported 3).",
        s -> p(s.aws.storeQuota.writeRate()));
    opt(
        "crash-rate",
        "0.1",
        "0",
        "Probability a node's agent crashes once, at a random step kind.",
        s -> p(s.faults.crash));
    opt(
        "restart-delay",
        "20s",
        "An agent restarts within this delay after a crash.",
        s -> d(s.faults.restartDelay));
    opt(
        "lost-write-rate",
        "0.02",
        "0",
        "Probability a store write's outcome is unknown to its caller: the call fails (a timeout)"
            + " and the write took effect or not.",
        s -> p(s.faults.lostWrite));
    opt(
        "terminate-rate",
        "0.03",
        "0",
        "Probability a node's instance is terminated mid-join.",
        s -> p(s.faults.terminate));
    opt(
        "fleet-loss-rate",
        "0.2",
        "0",
        "Probability a run loses its whole first fleet; a second fleet follows.",
        s -> p(s.faults.fleetLoss));
    opt(
        "pair-join",
        "0.5",
        "Probability that joining through a standalone node clusters the two (else it fails).",
        s -> p(s.faults.pairJoin));
    opt(
        "rerun-rate",
        "0.3",
        "Probability a finished member runs muster join again (checks S3).",
        s -> p(s.faults.rerun));
    for (Key key : PROTOCOL_KEYS) {
      opt(
          optionName(key),
          key.defaultValue(),
          "muster " + key.name() + " (its default is the key's).",
          s -> s.protocol.text(key));
    }
    opt("naive-retry", "30s", "The naive script's retry period.", s -> d(s.protocol.naiveRetry));
    opt(
        "l1-bound",
        "10m",
        "L1 bound: every live node a member this long after the view stabilised and the last"
            + " fault.",
        s -> d(s.protocol.l1Bound));
  }

  /** The options of {@code muster simulate}, besides {@code --force} and {@code --output}. */
  public static List<Option> options() {
    return List.copyOf(OPTIONS);
  }

  private static String d(Duration x) {
    return Durations.format(x);
  }

  private static String p(double x) {
    return BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
  }

  /**
   * Parses {@code --name value} / {@code --name=value} options (and repeatable {@code --force
   * FAULT}); an unknown option or a bad value throws IllegalArgumentException naming it.
   */
  public static SimulationSettings parse(List<String> args) {
    Map<String, String> given = new LinkedHashMap<>();
    List<ForcedFault> forced = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args.get(++i);
      }
      if (name.equals("force")) {
        forced.add(ForcedFault.parse(value));
      } else {
        given.put(name, value);
      }
    }
    return fromOptions(given, forced);
  }

  /** Settings from option values by name (missing ones take their defaults). */
  public static SimulationSettings fromOptions(
      Map<String, String> given, List<ForcedFault> forced) {
    Map<String, String> known = new LinkedHashMap<>();
    for (Option o : OPTIONS) {
      known.put(o.name(), o.defaultValue());
    }
    for (String name : given.keySet()) {
      if (!known.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown option --"
                + name
                + "; known: "
                + OPTIONS.stream().map(o -> "--" + o.name()).collect(Collectors.joining(" ")));
      }
    }
    String preset = given.getOrDefault("faults", "all").toLowerCase(Locale.ROOT);
    if (!preset.equals("all") && !preset.equals("none")) {
      throw new IllegalArgumentException("--faults must be all or none: " + preset);
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Option o : OPTIONS) {
      String def = preset.equals("none") ? o.defaultWithoutFaults() : o.defaultValue();
      v.put(o.name(), given.getOrDefault(o.name(), def));
    }
    Reader r = new Reader(v);
    int threads = r.integer("threads");
    if (threads == 0) {
      threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    }
    List<Strategy> strategies = new ArrayList<>();
    for (String s : v.get("strategies").split(",")) {
      try {
        strategies.add(Strategy.valueOf(s.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--strategies: unknown strategy '" + s + "'; known: muster, naive", e);
      }
    }
    return new SimulationSettings(
        r.integer("nodes"),
        r.integer("runs"),
        r.longValue("seed"),
        threads,
        strategies,
        new Fleet(
            r.duration("launch-window"),
            r.duration("boot-min"),
            r.duration("boot-max"),
            r.duration("view-lag"),
            r.duration("stale"),
            r.duration("replace-delay"),
            r.decimal("address-reuse")),
        new Aws(
            r.duration("api-latency-min"),
            r.duration("api-latency-max"),
            r.decimal("api-error-rate"),
            r.integer("ec2-bucket"),
            r.decimal("ec2-refill"),
            r.integer("asg-bucket"),
            r.decimal("asg-refill"),
            v.get("discovery"),
            r.integer("page-size"),
            r.duration("store-latency-min"),
            r.duration("store-latency-max"),
            r.decimal("store-error-rate"),
            new StoreQuota(
                v.get("store"), v.get("store-throughput"), r.decimal("store-write-rate"))),
        new Faults(
            r.decimal("crash-rate"),
            r.duration("restart-delay"),
            r.decimal("lost-write-rate"),
            r.decimal("terminate-rate"),
            r.decimal("fleet-loss-rate"),
            r.decimal("pair-join"),
            r.decimal("rerun-rate")),
        Protocol.of(protocolOptions(v), r.duration("naive-retry"), r.duration("l1-bound")),
        forced);
  }

  private static Map<Key, String> protocolOptions(Map<String, String> v) {
    Map<Key, String> out = new LinkedHashMap<>();
    for (Key key : PROTOCOL_KEYS) {
      out.put(key, v.get(optionName(key)));
    }
    return out;
  }

  /**
   * The options that replay run {@code runSeed} alone: {@code --nodes N --runs 1 --seed S} and
   * every option that differs from its default.
   */
  public List<String> reproduction(long runSeed) {
    List<String> out = new ArrayList<>(List.of("--nodes", Integer.toString(nodes)));
    out.addAll(List.of("--runs", "1", "--seed", Long.toString(runSeed)));
    out.addAll(changedOptions());
    return out;
  }

  /** Options other than nodes/runs/seed/threads that differ from their defaults. */
  public List<String> changedOptions() {
    List<String> out = new ArrayList<>();
    String preset =
        OPTIONS.stream()
            .filter(o -> o.name().equals("faults"))
            .findFirst()
            .orElseThrow()
            .current()
            .apply(this);
    for (Option o : OPTIONS) {
      if (List.of("nodes", "runs", "seed", "threads").contains(o.name())) {
        continue;
      }
      String def = canonical(preset.equals("none") ? o.defaultWithoutFaults() : o.defaultValue());
      String cur = o.current().apply(this);
      if (!cur.equals(def)) {
        out.add("--" + o.name());
        out.add(cur);
      }
    }
    for (ForcedFault f : forced) {
      out.add("--force");
      out.add(f.toString());
    }
    return out;
  }

  /** A default as {@link Option#current()} would print it (durations in their shortest form). */
  private static String canonical(String value) {
    Duration d = Durations.parseOrNull(value);
    return d != null && !value.matches("\\d+") ? Durations.format(d) : value;
  }

  /** Reads typed option values, naming the option in every error. */
  private record Reader(Map<String, String> v) {
    int integer(String name) {
      try {
        return Integer.parseInt(v.get(name).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " '" + v.get(name) + "' is not a whole number", e);
      }
    }

    long longValue(String name) {
      try {
        return Long.parseLong(v.get(name).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " '" + v.get(name) + "' is not a whole number", e);
      }
    }

    double decimal(String name) {
      try {
        return Double.parseDouble(v.get(name).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " '" + v.get(name) + "' is not a number", e);
      }
    }

    Duration duration(String name) {
      Duration d = Durations.parseOrNull(v.get(name));
      if (d == null) {
        throw new IllegalArgumentException(
            "--" + name + " '" + v.get(name) + "' is not a duration (e.g. 500ms, 15s, 2m)");
      }
      return d;
    }
  }
}
