package io.github.rediskube.containers;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.client.RedisEndpoints.Address;
import io.github.rediskube.core.RedisKube;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The rendered objects of a spec ({@link RedisKube#manifests(io.github.rediskube.core.spec.RedisReplicationSpec)})
 * run as pods by podman: Secrets as podman secrets,
 * ConfigMaps and one Pod per StatefulSet ordinal ({@link KubeletPods}) through one {@code podman kube play},
 * static IPs on a network of the run's own, every pod and Service DNS name in every pod's /etc/hosts, the
 * pods' exec probes run on their own timing ({@link Prober}), preStop run on {@link #delete}. Everything it
 * creates carries the run's prefix {@code rkc-<pid>-<n>-} and is removed on {@link #close()}; leftovers of
 * runs whose JVM is gone are swept at the start.
 */
final class PodmanCluster implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * @param clusterDomain  the cluster domain the spec renders DNS names with
     * @param apiServer      host:port the pods reach the API server at (KUBERNETES_SERVICE_HOST/PORT), or null
     * @param projectedFiles files of the service-account volume (token, ca.crt, namespace); empty: none
     */
    record Options(String clusterDomain, String apiServer, Map<String, String> projectedFiles) {
        static Options defaults() {
            return new Options("cluster.local", null, Map.of());
        }
    }

    private final String prefix;
    private final String network;
    private final String subnet;
    private final Map<String, KubeletPods.Planned> pods = new LinkedHashMap<>();
    private final List<Prober> probers = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private PodVolumes podVolumes;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3, r -> {
        Thread thread = new Thread(r, "podman-prober");
        thread.setDaemon(true);
        return thread;
    });
    private Path yaml;
    private String playOutput = "";
    private long playStartedMillis;
    private long playMillis;

    private PodmanCluster(String prefix, String subnet) {
        this.prefix = prefix;
        this.network = prefix + "net";
        this.subnet = subnet;
    }

    /** Creates the run's network and plays the objects on it; see {@link #create()} and {@link #play}. */
    static PodmanCluster start(List<HasMetadata> objects, Options options) {
        PodmanCluster cluster = create();
        try {
            return cluster.play(objects, options);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** Sweeps what dead runs left, then creates the run's network (its {@link #gateway()} is then known). */
    static PodmanCluster create() {
        Podman.require();
        PodmanSweep.sweepLeftovers();
        return createNetwork("rkc-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + "-");
    }

    /** Plays the objects on the run's network; fails (the caller closes the cluster) when podman refuses them. */
    PodmanCluster play(List<HasMetadata> objects, Options options) {
        start0(objects, options);
        return this;
    }

    private static PodmanCluster createNetwork(String prefix) {
        String used = Podman.run("network", "ls", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}").orThrow().stdout();
        for (int octet = 1 + (int) (ProcessHandle.current().pid() % 200); octet < 255; octet++) {
            String subnet = "10.231." + octet;
            if (used.contains(subnet + ".0/")) {
                continue;
            }
            // --internal: no route out of the network and no NAT. netavark gives an internal bridge no address,
            // so the host (the test JVM, the mock API server) gets the gateway address by hand, on a bridge held
            // up by a pod of its own (netavark removes the bridge when its last container leaves).
            Podman.Result created = Podman.run("network", "create", "--internal", "--disable-dns", "--subnet",
                    subnet + ".0/24", prefix + "net");
            if (created.ok()) {
                PodmanCluster cluster = new PodmanCluster(prefix, subnet);
                try {
                    cluster.holdBridge();
                } catch (RuntimeException | Error e) {
                    cluster.close();
                    throw e;
                }
                return cluster;
            }
        }
        throw new IllegalStateException("no free 10.231.x.0/24 subnet for the podman network " + prefix + "net");
    }

    /** Starts the pod that keeps the network's bridge up and gives the host the gateway address on it. */
    private void holdBridge() {
        Podman.run(Duration.ofSeconds(60), null, List.of("pod", "create", "--name", prefix + "bridge", "--network",
                network, "--ip", subnet + ".2")).orThrow();
        Podman.run(Duration.ofSeconds(60), null, List.of("pod", "start", prefix + "bridge")).orThrow();
        String bridge = Podman.run("network", "inspect", "--format", "{{.NetworkInterface}}", network).orThrow()
                .stdout().strip();
        Podman.exec(List.of("ip", "addr", "add", gateway() + "/24", "dev", bridge), Duration.ofSeconds(30), null)
                .orThrow();
    }

    /** @return the host's address on the run's network (the bridge's gateway), reachable from every pod */
    String gateway() {
        return subnet + ".1";
    }

    private void start0(List<HasMetadata> objects, Options options) {
        String domain = options.clusterDomain();
        List<StatefulSet> statefulSets = objects.stream().filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast).toList();
        Map<String, String> ips = new LinkedHashMap<>();
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        Map<String, List<String>> names = new LinkedHashMap<>();
        int next = 10;
        for (StatefulSet sts : statefulSets) {
            String ns = sts.getMetadata().getNamespace();
            for (int i = 0; i < replicas(sts); i++) {
                String pod = KubeletPods.podName(sts, i);
                String ip = subnet + "." + next++;
                ips.put(pod, ip);
                labels.put(pod, sts.getSpec().getTemplate().getMetadata().getLabels());
                String sub = pod + "." + sts.getSpec().getServiceName();
                names.computeIfAbsent(ip, k -> new ArrayList<>()).addAll(List.of(
                        sub + "." + ns + ".svc." + domain, sub + "." + ns + ".svc", sub + "." + ns, sub));
            }
        }
        for (Service service : objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList()) {
            Map<String, String> selector = service.getSpec().getSelector();
            if ("None".equals(service.getSpec().getClusterIP()) || selector == null) {
                continue;
            }
            // A Service is a virtual IP podman cannot give: its name points at the first pod it selects.
            labels.entrySet().stream().filter(e -> e.getValue().entrySet().containsAll(selector.entrySet()))
                    .findFirst().ifPresent(e -> {
                        String svc = service.getMetadata().getName() + "." + service.getMetadata().getNamespace();
                        names.get(ips.get(e.getKey())).addAll(List.of(svc + ".svc." + domain, svc + ".svc", svc));
                    });
        }
        List<HostAlias> aliases = names.entrySet().stream()
                .map(e -> new HostAlias(e.getValue(), e.getKey())).toList();
        Map<String, String> extraEnv = new TreeMap<>();
        if (options.apiServer() != null) {
            extraEnv.put("KUBERNETES_SERVICE_HOST", options.apiServer().substring(0, options.apiServer().lastIndexOf(':')));
            extraEnv.put("KUBERNETES_SERVICE_PORT", options.apiServer().substring(options.apiServer().lastIndexOf(':') + 1));
        }

        StringBuilder play = new StringBuilder();
        podVolumes = PodVolumes.create(prefix);
        for (HasMetadata object : objects) {
            if (object instanceof Secret secret) {
                createSecret(secret);
                podVolumes.add(secret);
            } else if (object instanceof ConfigMap configMap) {
                podVolumes.add(configMap);      // mounted from the pods' own directories; played for configMapKeyRefs
                play.append(document(new ConfigMapBuilder(configMap).editMetadata()
                        .withName(prefix + configMap.getMetadata().getName()).endMetadata().build()));
            }
        }
        List<String> args = new ArrayList<>(List.of("kube", "play", "--network", network));
        for (StatefulSet sts : statefulSets) {
            for (int i = 0; i < replicas(sts); i++) {
                String pod = KubeletPods.podName(sts, i);
                KubeletPods.Planned planned = KubeletPods.plan(sts, i, new KubeletPods.Context(prefix, ips.get(pod),
                        aliases, extraEnv, options.projectedFiles(), podVolumes.root()));
                pods.put(pod, planned);
                podVolumes.write(planned, null);
                podVolumes.writeConfigMaps(planned);
                planned.extra().forEach(c -> play.append(document(c)));
                play.append(document(planned.played()));
                args.addAll(List.of("--ip", planned.ip()));
            }
        }
        try {
            yaml = Files.createTempFile(prefix, ".yaml");
            Files.writeString(yaml, play.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        args.add(yaml.toString());
        playStartedMillis = System.currentTimeMillis();
        Podman.Result played = Podman.run(Duration.ofMinutes(3), null, args).orThrow();
        playMillis = System.currentTimeMillis() - playStartedMillis;
        pods.values().forEach(this::startNotRunning);
        pods.values().forEach(this::startProbers);
        playOutput = (played.stdout() + played.stderr()).strip();
    }

    /**
     * A container that kube play created but that is not running (a CI run once had a master container that never
     * ran, with an empty log) is what a kubelet starts again, with a back-off. Here: once, at once, saying so, with
     * podman's state and error; kube play's own output goes into every timeout's diagnosis.
     */
    private void startNotRunning(KubeletPods.Planned pod) {
        for (Container container : pod.played().getSpec().getContainers()) {
            String name = pod.container(container.getName());
            String state = Podman.run("inspect", "--format",
                    "{{.State.Status}} exit={{.State.ExitCode}} error={{.State.Error}}", name).stdout().strip();
            if (!state.startsWith("running")) {
                Podman.Result started = Podman.run(Duration.ofSeconds(60), null, List.of("start", name));
                System.out.printf("container tier: %s was not running after kube play (%s); started again as a kubelet"
                        + " would: %s%n", name, state, started.ok() ? "ok" : (started.stdout() + started.stderr()).strip());
            }
        }
    }

    private static int replicas(StatefulSet sts) {
        return sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    }

    private static String document(HasMetadata object) {
        return "---\n" + Serialization.asYaml(object).replaceFirst("^---\n", "");
    }

    /** podman 4.3's kube play takes no kind: Secret; the pods' secretKeyRefs find a podman secret of the name. */
    private void createSecret(Secret secret) {
        Map<String, String> data = new TreeMap<>();
        if (secret.getData() != null) {
            data.putAll(secret.getData());
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) ->
                    data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        }
        String json = data.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        String name = prefix + secret.getMetadata().getName();
        Podman.run(Duration.ofSeconds(30), json, List.of("secret", "create", name, "-")).orThrow();
        secrets.add(name);
    }

    /**
     * The Secret changed and the kubelet of each given pod refreshed its volumes: their files hold the new value
     * (the pods' scripts read it at their next use). Pods not given keep the old files, as a kubelet that has not
     * synced them yet.
     *
     * @param secretName the Secret (its name in the rendered objects)
     * @param key        the key changed
     * @param value      its new value
     * @param podNames   the pods whose kubelet refreshed them now
     */
    void refreshSecret(String secretName, String key, String value, List<String> podNames) {
        podVolumes.refresh(secretName, key, value, podNames.stream().map(this::pod).toList());
    }

    private void startProbers(KubeletPods.Planned pod) {
        for (Container container : pod.original().getSpec().getContainers()) {
            String name = pod.container(container.getName());
            if (container.getReadinessProbe() != null) {
                probers.add(new Prober(name, "readiness", container.getReadinessProbe(), null));
            }
            if (container.getLivenessProbe() != null) {
                probers.add(new Prober(name, "liveness", container.getLivenessProbe(),
                        () -> Podman.run("restart", "-t", String.valueOf(grace(pod)), name)));
            }
        }
        for (Prober prober : probers) {
            if (prober.container().startsWith(pod.podmanName() + "-")) {
                String started = Podman.run("inspect", "--format", "{{.State.StartedAt.UnixMilli}}", prober.container())
                        .orThrow().stdout().strip();
                prober.start(scheduler, System.currentTimeMillis() - Long.parseLong(started));
            }
        }
    }

    private static long grace(KubeletPods.Planned pod) {
        Long grace = pod.original().getSpec().getTerminationGracePeriodSeconds();
        return grace == null ? 30 : grace;
    }

    /** @return the pods by their Kubernetes names, in StatefulSet and ordinal order */
    Map<String, KubeletPods.Planned> pods() {
        return pods;
    }

    KubeletPods.Planned pod(String name) {
        KubeletPods.Planned pod = pods.get(name);
        if (pod == null) {
            throw new IllegalArgumentException("no pod " + name + " in " + pods.keySet());
        }
        return pod;
    }

    /** @return the pods' probers (readiness and liveness of each container) */
    List<Prober> probers(String pod) {
        return probers.stream().filter(p -> p.container().startsWith(pod(pod).podmanName() + "-")).toList();
    }

    /** @return whether every container of the pod with a readiness probe passes it (the pod is Ready) */
    boolean ready(String pod) {
        return probers(pod).stream().filter(p -> p.kind().equals("readiness")).allMatch(Prober::passing);
    }

    /** @return when {@code podman kube play} was started, epoch millis */
    long playStartedMillis() {
        return playStartedMillis;
    }

    /** @return how long {@code podman kube play} itself took, millis */
    long playMillis() {
        return playMillis;
    }

    /** @return when every readiness probe had passed (the last first pass), millis after kube play started; -1: not yet */
    long allReadyMillis() {
        List<Prober> readiness = probers.stream().filter(p -> p.kind().equals("readiness")).toList();
        if (readiness.stream().anyMatch(p -> p.firstPassMillis() == 0)) {
            return -1;
        }
        return readiness.stream().mapToLong(Prober::firstPassMillis).max().orElse(playStartedMillis) - playStartedMillis;
    }

    /** @return each readiness probe's first pass, millis after kube play started, and its runs until then */
    String firstReadiness() {
        return probers.stream().filter(p -> p.kind().equals("readiness"))
                .map(p -> p.container().substring(prefix.length()) + " ready at "
                        + (p.firstPassMillis() == 0 ? "never" : (p.firstPassMillis() - playStartedMillis) + " ms")
                        + " (" + p.runs().stream().filter(r -> r.atMillis() <= p.firstPassMillis()).count() + " runs)")
                .collect(Collectors.joining(", "));
    }

    /**
     * Maps an address the servers announce or the spec names (pod or Service DNS name, port) to the pod's IP
     * on this run's network, reachable from the test JVM; other addresses are returned as they are.
     */
    Address map(Address address) {
        for (KubeletPods.Planned pod : pods.values()) {
            for (HostAlias alias : pod.played().getSpec().getHostAliases()) {
                if (alias.getHostnames().contains(address.host())) {
                    return new Address(alias.getIp(), address.port());
                }
            }
        }
        return address;
    }

    /** Runs a command in a container of a pod (as the container's user, with its environment). */
    Podman.Result exec(String pod, String container, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", pod(pod).container(container)));
        args.addAll(List.of(command));
        return Podman.run(Duration.ofSeconds(60), null, args);
    }

    /** {@code podman inspect --format} of a container of a pod. */
    String inspect(String pod, String container, String format) {
        return Podman.run("inspect", "--format", format, pod(pod).container(container)).orThrow().stdout().strip();
    }

    /**
     * SIGKILL to a container, as a node crash or an OOM kill would end it; returns once podman reports it
     * exited. It stays down until {@link #restart} (or its failing liveness probe) starts it again.
     */
    void kill(String pod, String container) {
        String name = pod(pod).container(container);
        Podman.run("kill", "--signal", "KILL", name).orThrow();
        await(name + " killed", Duration.ofSeconds(20), () -> !status(pod, container).equals("running"),
                () -> "status " + status(pod, container));
    }

    /** @return podman's status of a container: running, exited, stopped, ... */
    String status(String pod, String container) {
        return inspect(pod, container, "{{.State.Status}}");
    }

    /** Starts a stopped container again (the kubelet's restart); its probes count from zero. */
    void restart(String pod, String container) {
        Podman.run("start", pod(pod).container(container)).orThrow();
        probers(pod).stream().filter(p -> p.container().equals(pod(pod).container(container))).forEach(Prober::reset);
    }

    /**
     * What deleting a pod took.
     *
     * @param hooks      each container's preStop result, by container
     * @param hookMillis how long each container's preStop took, by container
     * @param stopMillis how long each container took to stop after SIGTERM, by container
     */
    record Deletion(Map<String, Podman.Result> hooks, Map<String, Long> hookMillis, Map<String, Long> stopMillis) {
    }

    /**
     * Deletes a pod as the kubelet does: each container's preStop hook first (bounded by the grace period),
     * then SIGTERM to every container at once and, after what remains of the grace period, SIGKILL.
     */
    Deletion delete(String pod) {
        KubeletPods.Planned planned = pod(pod);
        long deadline = System.currentTimeMillis() + grace(planned) * 1000;
        Map<String, Podman.Result> hooks = new LinkedHashMap<>();
        Map<String, Long> hookMillis = new LinkedHashMap<>();
        for (Container container : planned.original().getSpec().getContainers()) {
            if (container.getLifecycle() != null && container.getLifecycle().getPreStop() != null
                    && container.getLifecycle().getPreStop().getExec() != null) {
                List<String> args = new ArrayList<>(List.of("exec", planned.container(container.getName())));
                args.addAll(container.getLifecycle().getPreStop().getExec().getCommand());
                long started = System.currentTimeMillis();
                hooks.put(container.getName(), Podman.run(
                        Duration.ofMillis(Math.max(1000, deadline - System.currentTimeMillis())), null, args));
                hookMillis.put(container.getName(), System.currentTimeMillis() - started);
            }
        }
        probers(pod).forEach(Prober::stop);
        long remaining = Math.max(1, (deadline - System.currentTimeMillis()) / 1000);
        System.out.println("container tier: " + pod + ": SIGTERM, " + remaining + " s of grace left");
        Map<String, java.util.concurrent.CompletableFuture<Long>> stops = new LinkedHashMap<>();
        for (Container container : planned.original().getSpec().getContainers()) {
            stops.put(container.getName(), java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                long start = System.currentTimeMillis();
                Podman.run(Duration.ofSeconds(remaining + 30), null, List.of("stop", "-t", String.valueOf(remaining),
                        planned.container(container.getName()))).orThrow();
                return System.currentTimeMillis() - start;
            }));
        }
        Map<String, Long> stopMillis = new LinkedHashMap<>();
        stops.forEach((name, future) -> stopMillis.put(name, future.join()));
        Podman.run(Duration.ofSeconds(60), null, List.of("pod", "stop", "-t", "0", planned.podmanName())).orThrow();
        return new Deletion(hooks, hookMillis, stopMillis);
    }

    /** Waits until the condition holds, polling; fails with the description and every probe's state. */
    void await(String what, Duration bound, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what + "; " + state.get() + "\nprobes:\n"
                        + probers.stream().map(Prober::toString).collect(Collectors.joining("\n")) + "\nkube play said:\n"
                        + playOutput + "\nlogs:\n" + logs());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    /** @return the last lines of every container's log */
    String logs() {
        StringBuilder out = new StringBuilder();
        for (KubeletPods.Planned pod : pods.values()) {
            for (Container container : pod.played().getSpec().getContainers()) {
                Podman.Result log = Podman.run(Duration.ofSeconds(20), null,
                        List.of("logs", "-t", "--tail", "40", pod.container(container.getName())));
                Podman.Result state = Podman.run(Duration.ofSeconds(20), null, List.of("inspect", "--format",
                        "{{.State.Status}} exit={{.State.ExitCode}} oomKilled={{.State.OOMKilled}} restarts={{.RestartCount}}"
                                + " started={{.State.StartedAt}} finished={{.State.FinishedAt}} error={{.State.Error}}",
                        pod.container(container.getName())));
                out.append("== ").append(pod.container(container.getName())).append(" (")
                        .append((state.stdout() + state.stderr()).strip()).append(")\n")
                        .append(log.stdout()).append(log.stderr());
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        probers.forEach(Prober::stop);
        scheduler.shutdownNow();
        PodmanSweep.removeRun(prefix);
        if (podVolumes != null) {
            podVolumes.close();
        }
        if (yaml != null) {
            try {
                Files.deleteIfExists(yaml);
            } catch (IOException ignored) {
                // a temp file; nothing else depends on it
            }
        }
    }
}
