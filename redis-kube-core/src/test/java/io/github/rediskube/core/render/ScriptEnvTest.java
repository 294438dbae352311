package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The environment shared by Java and the scripts is spelled once ({@link ScriptEnv}), and both sides agree on
 * it: what a script reads is defined and set on a container that runs the script, and what is defined is read.
 */
class ScriptEnvTest {

    private static final List<String> SCRIPTS = List.of(RedisConfig.START_SCRIPT, RedisConfig.PROBE_SCRIPT,
            RedisConfig.PASSWORD_SCRIPT, RedisConfig.HA_SCRIPT);
    private static final Pattern READ = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    private static final Pattern SET = Pattern.compile("(?:^|[\\s;(])([A-Z][A-Z0-9_]*)=");
    private static final Pattern SCRIPT_NAME = Pattern.compile("\\b([a-z]+\\.sh)\\b");

    /** Every mode's containers: with auth, STORAGE (the Sentinels' state dir) and without Sentinel. */
    private static List<Container> containers() {
        RedisReplicationSpec classic = RedisManifestsTest.classic();
        List<Container> containers = new ArrayList<>();
        for (RedisReplicationSpec spec : List.of(classic,
                classic.toBuilder().storage("10Gi").sentinel(s -> s.sentinels(3)).build(),
                classic.toBuilder().metrics(m -> { }).build(),
                classic.toBuilder().sentinel(s -> s.sentinels(3)).metrics(m -> { }).build())) {
            RedisManifests.render(spec).stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                    .forEach(sts -> containers.addAll(sts.getSpec().getTemplate().getSpec().getContainers()));
        }
        return containers;
    }

    @Test
    void everyVariableAScriptReadsIsDefinedAndSetOnAContainerThatRunsIt() {
        List<Container> containers = containers();
        List<String> problems = new ArrayList<>();
        for (String script : SCRIPTS) {
            Set<String> unset = new TreeSet<>(reads(script));
            unset.removeAll(setBySelfOrSourced(script));
            for (String name : unset) {
                ScriptEnv env = Arrays.stream(ScriptEnv.values()).filter(e -> e.name().equals(name)).findFirst()
                        .orElse(null);
                if (env == null) {
                    problems.add(script + " reads $" + name + ", which ScriptEnv does not define");
                } else if (env.source() == ScriptEnv.Source.DEFAULTED) {
                    if (!body(script).contains("${" + name + ":-")) {
                        problems.add(script + " reads $" + name + " (DEFAULTED) without a default ${" + name + ":-..}");
                    }
                } else if (containers.stream().noneMatch(c -> runs(c, script) && envNames(c).contains(name))) {
                    problems.add(script + " reads $" + name + ", but no container that runs " + script + " sets it");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDefinedVariableIsReadByAScriptOrDocumentedAsForATool() {
        Set<String> read = new TreeSet<>();
        SCRIPTS.forEach(script -> read.addAll(reads(script)));
        Set<String> rendered = containers().stream().flatMap(c -> envNames(c).stream()).collect(Collectors.toSet());
        for (ScriptEnv env : ScriptEnv.values()) {
            switch (env.source()) {
                case RENDERED -> {
                    assertThat(read).as("%s is rendered for the scripts: some script reads it", env).contains(env.name());
                    assertThat(rendered).as("%s is RENDERED: some container sets it", env).contains(env.name());
                }
                case DEFAULTED -> {
                    assertThat(read).as("%s: some script reads it", env).contains(env.name());
                    assertThat(rendered).as("%s is DEFAULTED: the renderer leaves it unset", env)
                            .doesNotContain(env.name());
                }
                case FOR_TOOLS -> {
                    assertThat(read).as("%s is read by a script: it is RENDERED, not FOR_TOOLS", env)
                            .doesNotContain(env.name());
                    assertThat(rendered).as("%s is FOR_TOOLS: some container sets it", env).contains(env.name());
                }
            }
        }
    }

    @Test
    void everyVariableTheContainersSetIsDefinedInScriptEnv() {
        Set<String> defined = Arrays.stream(ScriptEnv.values()).map(Enum::name).collect(Collectors.toSet());

        // the exporter sidecar runs no script: its variable is the exporter's own (REDIS_PASSWORD, by secretKeyRef)
        assertThat(containers()).filteredOn(c -> !c.getName().equals(MetricsContribution.CONTAINER))
                .allSatisfy(c -> assertThat(defined).as("env of container %s", c.getName()).containsAll(envNames(c)));
    }

    /** The script without its comment lines (the headers name variables they do not read). */
    private static String body(String script) {
        return RedisConfig.script(script).lines().filter(l -> !l.strip().startsWith("#"))
                .collect(Collectors.joining("\n"));
    }

    private static Set<String> reads(String script) {
        return matches(READ, body(script));
    }

    /** Variables the script assigns, or a script it sources ({@code . ".../password.sh"}) assigns. */
    private static Set<String> setBySelfOrSourced(String script) {
        Set<String> set = matches(SET, body(script));
        Matcher sourced = Pattern.compile("(?m)^\\s*\\.\\s+\"[^\"]*/([a-z]+\\.sh)\"").matcher(body(script));
        while (sourced.find()) {
            set.addAll(matches(SET, body(sourced.group(1))));
        }
        return set;
    }

    /** Whether the container runs the script: its command, probes or preStop name it or a script that runs it. */
    private static boolean runs(Container container, String script) {
        List<String> words = new ArrayList<>(container.getCommand());
        for (Probe probe : new Probe[] {container.getReadinessProbe(), container.getLivenessProbe()}) {
            if (probe != null && probe.getExec() != null) {
                words.addAll(probe.getExec().getCommand());
            }
        }
        if (container.getLifecycle() != null && container.getLifecycle().getPreStop() != null) {
            words.addAll(container.getLifecycle().getPreStop().getExec().getCommand());
        }
        Set<String> run = new LinkedHashSet<>(matches(SCRIPT_NAME, String.join(" ", words)));
        for (int size = -1; size != run.size(); ) {
            size = run.size();
            for (String started : List.copyOf(run)) {
                run.addAll(matches(SCRIPT_NAME, body(started)));
            }
        }
        return run.contains(script);
    }

    private static Set<String> envNames(Container container) {
        return container.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
