package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.github.rediskube.core.spec.Metrics;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.SentinelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus metrics (on when the spec has {@link Metrics}). To every Redis and Sentinel pod it adds the
 * {@value #CONTAINER} sidecar running {@code redis_exporter} against the pod's own server on 127.0.0.1, with a
 * named {@value #PORT_NAME} container port; it adds that port to every Service fronting those pods and to the
 * NetworkPolicy, and, when asked, a Prometheus Operator {@code ServiceMonitor} scraping the headless Services
 * (one target per pod).
 *
 * <p>Auth: with auth on, the exporter logs in as a user of its own, {@value #EXPORTER_USER}, that may run only the
 * commands it scrapes with (no key, no channel, no {@code CONFIG GET}: that would show {@code requirepass}). Its
 * password ({@link RedisReplicationSpec#exporterPassword()}) is in a Secret of its own, {@code <name>-metrics},
 * written once like a generated password; the exporter reads it through a {@code secretKeyRef}, the Redis and
 * Sentinel containers through a mounted file ({@value #PASSWORD_FILE_ENV}) from which their scripts write the user
 * line ({@code password.sh}). Rotating the clients' password never touches it, so the exporter, which reads its
 * password once at start (its image is {@code FROM scratch}: no shell to re-read a file), keeps scraping.
 */
final class MetricsContribution implements Contribution {

    static final String CONTAINER = "metrics";
    static final String PORT_NAME = "metrics";
    /** The exporter's own variable for the password (the default of its {@code --redis.password} flag). */
    static final String PASSWORD_ENV = "REDIS_PASSWORD";
    /** The exporter's ACL user on every Redis server and Sentinel. */
    static final String EXPORTER_USER = "rediskube-metrics";
    /** The key of the exporter's password in its Secret. */
    static final String SECRET_KEY = "password";
    /** The volume holding the exporter's Secret in the Redis and Sentinel containers, and where it is mounted. */
    static final String VOLUME = "metrics-auth";
    static final String DIR = "/etc/redis-kube-metrics";
    static final String PASSWORD_FILE_ENV = ScriptEnv.REDIS_METRICS_PASSWORD_FILE.name();
    /** The exporter's own liveness endpoint: it answers while the process serves HTTP, whatever Redis does. */
    static final String HEALTH_PATH = "/health";
    static final String SERVICE_MONITOR_API = "monitoring.coreos.com/v1";
    static final String SERVICE_MONITOR_KIND = "ServiceMonitor";

    @Override
    public boolean appliesTo(RedisReplicationSpec spec) {
        return spec.metricsEnabled();
    }

    @Override
    public List<Integer> ingressPorts(RedisReplicationSpec spec) {
        return List.of(spec.metrics().port());
    }

    @Override
    public List<ServicePort> servicePorts(RedisReplicationSpec spec, PodDraft.Kind kind) {
        return List.of(Services.port(PORT_NAME, spec.metrics().port()));
    }

    @Override
    public void pod(RedisReplicationSpec spec, PodDraft pod) {
        int target = pod.kind() == PodDraft.Kind.SENTINEL ? SentinelSpec.SENTINEL_PORT : ResourceNames.REDIS_PORT;
        if (spec.exporterPassword() != null) {
            // the server's (or Sentinel's) scripts write the exporter's user line from this file at start
            pod.main()
                    .addToEnv(ScriptEnv.REDIS_METRICS_USER.is(EXPORTER_USER),
                            ScriptEnv.REDIS_METRICS_PASSWORD_FILE.is(DIR + "/" + SECRET_KEY))
                    .addToVolumeMounts(Volumes.readOnly(VOLUME, DIR));
            pod.volumes(List.of(Volumes.secret(VOLUME, spec.names().metricsSecret(), PasswordFile.MODE,
                    Map.of(SECRET_KEY, SECRET_KEY))));
        }
        pod.add(exporter(spec, target));
    }

    @Override
    public List<HasMetadata> objects(RedisReplicationSpec spec) {
        List<HasMetadata> objects = new ArrayList<>();
        if (spec.exporterPassword() != null) {
            objects.add(PasswordFile.secret(spec, spec.names().metricsSecret(), SECRET_KEY, spec.exporterPassword()));
        }
        if (spec.metrics().serviceMonitor()) {
            objects.add(serviceMonitor(spec));
        }
        return objects;
    }

    private static HasMetadata serviceMonitor(RedisReplicationSpec spec) {
        List<String> headless = new ArrayList<>(List.of(spec.names().headlessService()));
        if (spec.sentinelEnabled()) {
            headless.add(spec.names().sentinelHeadlessService());
        }
        // every pod sits behind several Services; keeping the headless ones scrapes each pod once
        Map<String, Object> endpoint = ordered("port", PORT_NAME, "relabelings", List.of(ordered(
                "sourceLabels", List.of("__meta_kubernetes_service_name"),
                "regex", String.join("|", headless),
                "action", "keep")));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(SERVICE_MONITOR_API)
                .withKind(SERVICE_MONITOR_KIND)
                .withMetadata(Labels.metadata(spec, spec.name(), Labels.common(spec)))
                .addToAdditionalProperties("spec", ordered(
                        "selector", ordered("matchLabels", Labels.selector(spec)),
                        "namespaceSelector", ordered("matchNames", List.of(spec.namespace())),
                        "endpoints", List.of(endpoint)))
                .build();
    }

    /** @return the keys and values in their order, so that the same spec renders the same YAML */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The exporter scraping {@code 127.0.0.1:<target>}, listening on the metrics port. */
    static ContainerBuilder exporter(RedisReplicationSpec spec, int target) {
        Metrics metrics = spec.metrics();
        return Containers.restricted(spec, CONTAINER, metrics.image())
                .withArgs(args(spec, target, metrics))
                .addAllToVolumeMounts(TlsFiles.mounts(spec))
                .withEnv(password(spec))
                .addNewPort()
                    .withName(PORT_NAME)
                    .withContainerPort(metrics.port())
                    .withProtocol("TCP")
                .endPort()
                // liveness only: an exporter that stopped answering is restarted, but its state never takes the
                // pod out of its Services (readiness stays Redis' own)
                .withNewLivenessProbe()
                    .withNewHttpGet()
                        .withPath(HEALTH_PATH)
                        .withNewPort(PORT_NAME)
                    .endHttpGet()
                    .withInitialDelaySeconds(10)
                    .withPeriodSeconds(20)
                    .withTimeoutSeconds(5)
                    .withFailureThreshold(3)
                .endLivenessProbe()
                .withResources(Containers.small("10m", "32Mi"));
    }

    /**
     * @return the exporter's arguments: its pod's server, its port, its own user when auth is on, and no
     *         {@code CONFIG} (its user may not run it: {@code CONFIG GET *} would show the passwords)
     */
    private static List<String> args(RedisReplicationSpec spec, int target, Metrics metrics) {
        List<String> args = new ArrayList<>(List.of("--redis.addr=" + TlsFiles.scheme(spec) + "://127.0.0.1:" + target,
                "--web.listen-address=:" + metrics.port(), "--config-command=-"));
        if (spec.exporterPassword() != null) {
            args.add("--redis.user=" + EXPORTER_USER);
        }
        args.addAll(TlsFiles.exporterArgs(spec));
        return args;
    }

    /** @return {@code REDIS_PASSWORD} from the exporter's own Secret by reference, when auth is on */
    private static List<EnvVar> password(RedisReplicationSpec spec) {
        if (spec.exporterPassword() == null) {
            return List.of();
        }
        return List.of(new EnvVarBuilder()
                .withName(PASSWORD_ENV)
                .withNewValueFrom()
                    .withNewSecretKeyRef()
                        .withName(spec.names().metricsSecret())
                        .withKey(SECRET_KEY)
                        .withOptional(false)
                    .endSecretKeyRef()
                .endValueFrom()
                .build());
    }
}
