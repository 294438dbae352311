package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisBinaries;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts the pods run, as the ConfigMap ships them (every mode: STORAGE with Sentinel renders them all), pass
 * {@code dash -n} (the pods' {@code sh} is dash in the Debian-based images) and {@code shellcheck -s sh} (POSIX sh,
 * every warning an error). SC1091 is left out: the scripts source {@code password.sh} from a directory known only
 * at run time, and password.sh is checked on its own. Without dash or shellcheck the test is skipped on a developer
 * machine and fails where CI=true (or rediskube.requireRedis=true) says the tools must be there; {@code .ci/run}
 * installs them.
 */
class ScriptLintTest {

    @TempDir
    Path dir;

    @Test
    void everyRenderedScriptPassesDashAndShellcheck() throws IOException, InterruptedException {
        Map<String, String> scripts = renderedScripts();
        assertThat(scripts.keySet()).contains("ha.sh", "start.sh", "probe.sh", "password.sh");

        List<String> findings = new ArrayList<>();
        for (Map.Entry<String, String> script : scripts.entrySet()) {
            Path file = Files.writeString(dir.resolve(script.getKey()), script.getValue(), StandardCharsets.UTF_8);
            findings.addAll(run(List.of(tool("dash"), "-n", file.toString())));
            findings.addAll(run(List.of(tool("shellcheck"), "-s", "sh", "-S", "style", "-e", "SC1091", "-f", "gcc",
                    file.toString())));
        }

        assertThat(findings).as("dash -n and shellcheck -s sh on the rendered scripts").isEmpty();
    }

    @Test
    void theLintCatchesWhatDashRefusesAndShellcheckWarnsAbout() throws IOException, InterruptedException {
        Path broken = Files.writeString(dir.resolve("broken.sh"), "#!/bin/sh\nif [ -n $1 ]; then\n  echo ${x[0]}\n",
                StandardCharsets.UTF_8);

        assertThat(run(List.of(tool("dash"), "-n", broken.toString()))).as("dash -n of an unterminated if").isNotEmpty();
        assertThat(run(List.of(tool("shellcheck"), "-s", "sh", "-S", "style", "-e", "SC1091", "-f", "gcc",
                broken.toString()))).as("shellcheck of an unquoted $1 and an array").isNotEmpty();
    }

    private static Map<String, String> renderedScripts() {
        RedisReplicationSpec spec = RedisKube.replication("lint").namespace("lint").replicas(2)
                .storage("1Gi").sentinel(s -> s.sentinels(3)).build();
        Map<String, String> scripts = new TreeMap<>();
        RedisManifests.render(spec).stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .forEach(c -> c.getData().forEach((name, text) -> {
                    if (name.endsWith(".sh")) {
                        scripts.put(name, text);
                    }
                }));
        return scripts;
    }

    /** @return the lines the command printed when it failed (with its exit code), else nothing */
    private List<String> run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return List.of(String.join(" ", command) + ": no end within 60 s");
        }
        if (process.exitValue() == 0 && output.isBlank()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(output.lines().toList());
        lines.add(String.join(" ", command) + " exited " + process.exitValue());
        return lines;
    }

    private static String tool(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return Path.of(entry, name).toString();
            }
        }
        String help = name + " not found on PATH: install it (Debian/Ubuntu: apt-get install -y dash shellcheck;"
                + " macOS: brew install dash shellcheck)";
        if (RedisBinaries.required()) {
            throw new AssertionError(help + ". This run requires it (CI=true or rediskube.requireRedis=true).");
        }
        Assumptions.abort("script lint skipped: " + help);
        return name;
    }
}
