package io.muster.cli;

import io.muster.config.KeyRegistry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Renders muster(1) in roff from the picocli command tree, so the man page lists exactly the
 * commands and options the binary accepts. picocli-codegen's {@code ManPageGenerator} writes
 * AsciiDoc, which needs asciidoctor (Ruby, or JRuby in the build) to become roff; the page is
 * simple enough to write directly.
 */
final class ManPage {
  private final CommandLine root;
  private final KeyRegistry registry;
  private final String version;
  private final LocalDate date;

  ManPage(CommandLine root, KeyRegistry registry, String version, LocalDate date) {
    this.root = root;
    this.registry = registry;
    this.version = version;
    this.date = date;
  }

  String render() {
    StringBuilder b = new StringBuilder();
    b.append(".\\\" Generated from the picocli commands by io.muster.cli.ManPage; do not edit.\n");
    b.append(".TH MUSTER 1 \"")
        .append(date)
        .append("\" \"muster ")
        .append(escape(version))
        .append("\" \"User Commands\"\n");
    b.append(".SH NAME\nmuster \\- ").append(escape(firstLine(root.getCommandSpec()))).append('\n');
    b.append(".SH SYNOPSIS\n.B muster\n.RI [ options ] \" command \" [ options ]\n");
    b.append(".SH DESCRIPTION\n");
    paragraph(b, String.join(" ", root.getCommandSpec().usageMessage().description()));
    paragraph(
        b,
        "Every configuration key can come from the file given with -c, from a MUSTER_* environment"
            + " variable or from its command-line flag (see CONFIGURATION OPTIONS); a flag wins"
            + " over the environment, which wins over the file.");
    b.append(".SH COMMANDS\n");
    for (CommandLine sub : root.getSubcommands().values()) {
      command(b, sub, "muster");
    }
    b.append(".SH CONFIGURATION OPTIONS\n");
    paragraph(
        b,
        "Commands that read a configuration (peers, join, leave, status, agent, config check,"
            + " iam-policy) accept one flag per configuration key:");
    for (OptionSpec o : keyOptions()) {
      option(b, o);
    }
    b.append(".SH EXIT STATUS\n");
    b.append(".TP\n.B 0\ndone\n.TP\n.B 1\nfailed; the message says what to do\n");
    b.append(".TP\n.B 2\nusage or configuration error\n");
    b.append(".SH FILES\n");
    b.append(".TP\n.I /etc/muster/muster.yaml\nthe configuration of the packaged services\n");
    b.append(".TP\n.I /var/lib/muster\nstate: this node's recorded membership\n");
    b.append(".TP\n.I /var/cache/muster/muster.jsa\n");
    b.append("the class-data archive made at install; it speeds up start-up\n");
    b.append(".TP\n.I /var/cache/muster/agent-static.jsa\n");
    b.append("the static/file agent's smaller archive, for muster agent and muster join\n");
    b.append("of a configuration without AWS (static discovery, file store)\n");
    b.append(".SH SEE ALSO\n.BR systemctl (1),\n.BR journalctl (1)\n");
    return b.toString();
  }

  private void command(StringBuilder b, CommandLine cl, String parent) {
    CommandSpec spec = cl.getCommandSpec();
    if (spec.usageMessage().hidden()) {
      return;
    }
    String name = parent + " " + spec.name();
    b.append(".SS \"").append(escape(name)).append("\"\n");
    for (String line : spec.usageMessage().description()) {
      paragraph(b, line);
    }
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.hidden()) {
        continue;
      }
      b.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n');
      b.append(escape(String.join(" ", p.description()))).append('\n');
    }
    for (OptionSpec o : spec.options()) {
      if (!o.hidden() && !isKeyOption(o)) {
        option(b, o);
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      command(b, sub, name);
    }
  }

  private List<OptionSpec> keyOptions() {
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    collect(root, byName);
    return new ArrayList<>(byName.values());
  }

  private void collect(CommandLine cl, Map<String, OptionSpec> byName) {
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (isKeyOption(o)) {
        byName.putIfAbsent(o.longestName(), o);
      }
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      collect(sub, byName);
    }
  }

  private boolean isKeyOption(OptionSpec o) {
    return o.descriptionKey() != null
        && !o.descriptionKey().isEmpty()
        && registry.byName(o.descriptionKey()) != null;
  }

  private static void option(StringBuilder b, OptionSpec o) {
    b.append(".TP\n.B \"").append(escape(String.join(", ", o.names()))).append('"');
    if (o.arity().max() > 0) {
      b.append(" \" ").append(escape(o.paramLabel())).append('"');
    }
    b.append('\n').append(escape(String.join(" ", o.description()))).append('\n');
  }

  private static void paragraph(StringBuilder b, String text) {
    if (!text.isBlank()) {
      b.append(".PP\n").append(escape(text)).append('\n');
    }
  }

  private static String firstLine(CommandSpec spec) {
    String[] d = spec.usageMessage().description();
    return d.length == 0 ? "" : d[0];
  }

  /** Text that roff prints as given: backslashes, leading dots and quotes, and dashes. */
  static String escape(String s) {
    String out =
        s.replace("\\", "\\e")
            .replace("-", "\\-")
            .replace("%n", " ")
            .replace("\r", "")
            .replace("\n", " ");
    if (out.startsWith(".") || out.startsWith("'")) {
      out = "\\&" + out;
    }
    return out;
  }
}
