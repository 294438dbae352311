package io.github.rediskube.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis_exporter} process run as the rendered {@code metrics} sidecar runs it: the container's
 * arguments, its pod-local address pointed at a node's port, listening on 127.0.0.1, and each
 * {@code secretKeyRef} variable set to the rendered Secret's value the way the kubelet resolves it. The binary is {@code REDIS_EXPORTER} (environment), else {@code prometheus-redis-exporter}
 * (Debian's package) or {@code redis_exporter} on {@code PATH}; without it the test is skipped, and fails where
 * {@link RedisBinaries#required()} says the data plane must run.
 */
public final class MetricsExporter implements AutoCloseable {

    /** The exporter's ACL user as rendered (with metrics and auth on). */
    static final String USER = "rediskube-metrics";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private MetricsExporter(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the exporter of {@code container} against {@code node}, each {@code secretKeyRef} resolved from the
     * Secrets {@code spec} renders (the exporter's own {@code <name>-metrics}), as the kubelet reads them.
     *
     * @param container the rendered {@code metrics} container
     * @param node      the server it scrapes (its port replaces the pod-local one)
     * @param log       where the exporter's output goes
     * @param spec      the spec the container was rendered from
     * @return the running exporter; close it to stop the process
     */
    public static MetricsExporter start(Container container, RedisNode node, Path log, RedisReplicationSpec spec) {
        List<Secret> secrets = RedisManifests.render(spec).stream().filter(Secret.class::isInstance)
                .map(Secret.class::cast).toList();
        Path binary = requireBinary();
        int port = RedisTopology.freePort();
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        for (String arg : container.getArgs()) {
            // the rendered scheme (redis, or rediss with TLS) kept; the pod's TLS volume is the node's certificates
            String local = arg.startsWith("--redis.addr=") ? arg.replaceFirst(":\\d+$", ":" + node.port())
                    : arg.startsWith("--web.listen-address=") ? "--web.listen-address=127.0.0.1:" + port : arg;
            command.add(node.tls() == null ? local : local.replace("=/etc/redis-kube-tls/", "=" + node.tls().dir() + "/"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("REDIS_"));
        for (EnvVar var : container.getEnv()) {
            builder.environment().put(var.getName(), var.getValue() != null ? var.getValue()
                    : secretValue(secrets, var.getValueFrom().getSecretKeyRef()));
        }
        try {
            return new MetricsExporter(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the exporter's {@code /metrics}, or an empty string while it does not answer */
    public String scrape() {
        HttpResponse<String> response = get("/metrics");
        return response == null ? "" : response.body();
    }

    /**
     * Asks the exporter's HTTP server for {@code path}, as a kubelet's {@code httpGet} probe does.
     *
     * @param path the request path, e.g. {@code /health}
     * @return the response, or {@code null} while the exporter does not answer
     */
    public HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return what the exporter printed so far, for failure messages */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String secretValue(List<Secret> secrets, SecretKeySelector ref) {
        return secrets.stream().filter(s -> s.getMetadata().getName().equals(ref.getName())).findFirst()
                .map(s -> new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8))
                .orElseThrow(() -> new AssertionError("the exporter reads Secret " + ref.getName()
                        + ", which the spec does not render"));
    }

    /** @return the exporter binary, or fails (where the data plane is required) or skips the test */
    static Path requireBinary() {
        String configured = System.getenv("REDIS_EXPORTER");
        Optional<Path> found = configured != null && !configured.isBlank()
                ? Optional.of(Path.of(configured)).filter(Files::isExecutable)
                : RedisBinaries.find("prometheus-redis-exporter").map(d -> d.resolve("prometheus-redis-exporter"))
                        .or(() -> RedisBinaries.find("redis_exporter").map(d -> d.resolve("redis_exporter")));
        if (found.isEmpty()) {
            String help = "redis_exporter not found (REDIS_EXPORTER, or prometheus-redis-exporter / redis_exporter"
                    + " on PATH). Install it (Debian/Ubuntu: apt-get install -y prometheus-redis-exporter) or point"
                    + " REDIS_EXPORTER at the binary.";
            if (RedisBinaries.required()) {
                throw new AssertionError(help + " This run requires it (rediskube.requireRedis=true or CI=true).");
            }
            Assumptions.abort("metrics test skipped: " + help);
        }
        return found.get();
    }
}
