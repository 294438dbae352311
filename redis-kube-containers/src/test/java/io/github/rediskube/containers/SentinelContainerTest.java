package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisSentinels;
import io.github.rediskube.client.RotatingPassword;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sentinel mode as real containers (Debian's Redis 7.0.15 image): the rendered Redis and Sentinel pods,
 * ha.sh start/sentinel/prestop/label as the pods run them, a crash of the master container and a planned
 * failover through the pod's own preStop, with the Sentinel-aware split connection from the test JVM. The
 * role-labeler sidecars talk to fabric8's mock API server (see {@link MockApiServer}), so the Redis pods'
 * readiness (which needs the role label) passes as in a cluster.
 */
class SentinelContainerTest {

    private static final Duration FAILOVER = Duration.ofSeconds(90);
    /** How long the writer goes on after a planned failover's preStop, so that a second failover would be seen. */
    private static final Duration AFTER_FAILOVER = Duration.ofSeconds(15);

    private RedisReplicationSpec spec;
    private PodmanCluster cluster;
    private RedisClient client;
    private RedisPods redis;
    private MockApiServer api;
    private List<HasMetadata> objects;
    private java.util.function.Supplier<String> failureContext = () -> "";

    @BeforeEach
    void play() {
        Podman.require();
        Stages stages = new Stages("Sentinel mode setup");
        TestImages images = TestImages.get();
        spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("256Mi"))
                // 3 s, not 1 s: on a loaded 2-core machine a freshly promoted master missed one 1 s PING window, and
                // Sentinel 7.0 keeps its peers' 'master down' votes for 5 s, so that was an instant second failover
                .sentinel(s -> s.downAfter(Duration.ofMillis(3000)).failoverTimeout(Duration.ofSeconds(5))
                        .labelerImage(images.kubectl()))
                .image(images.redis())
                .imagePullPolicy("Never")
                .build();
        client = RedisClient.create();
        cluster = PodmanCluster.create();
        api = MockApiServer.start(cluster.gateway());
        objects = RedisKube.manifests(spec);
        cluster.play(objects, new PodmanCluster.Options("cluster.local", api.address(),
                api.serviceAccountFiles(spec.namespace())));
        // what the StatefulSet controller would have created in the API server, for the labeler to patch
        for (KubeletPods.Planned pod : cluster.pods().values()) {
            api.client().pods().inNamespace(spec.namespace()).resource(pod.original()).create();
        }
        redis = new RedisPods(cluster, client, spec.auth().password());
        cluster.await("one master, both replicas linked, every pod ready (Redis pods: labelled as their role), "
                + "every Sentinel knowing both replicas and the other Sentinels",
                FAILOVER, () -> redis.settled() && cluster.pods().keySet().stream().allMatch(cluster::ready)
                        && selected(Role.MASTER).equals(List.of(redis.masterOrNull()))
                        && redis.sentinelsKnow(spec.name(), spec.replicas()),
                () -> redis.roles() + "; master Service selects " + selected(Role.MASTER));
        stages.mark("played, settled, every pod ready");
        System.out.println(stages);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Also the role-labeler sidecar end to end (kubectl from Debian's kubernetes-client, in the second test
     * image, against fabric8's mock API server): the master Service's selector follows the failover.
     */
    @Test
    void aKilledMasterContainerIsReplacedWritesResumeTheMasterServiceFollowsAndTheExMasterRejoinsWithItsData() {
        String exMaster = redis.master();
        Stages stages = new Stages("kill of the master container");
        try (StatefulRedisMasterReplicaConnection<String, String> split = connect();
             Writer writer = new Writer(split)) {
            writer.awaitAcked(50);
            cluster.kill(exMaster, "redis");
            stages.mark("killed");
            failureContext = () -> startDecisions(exMaster);
            cluster.await("a replica promoted", FAILOVER, () -> {
                String master = redis.masterOrNull();
                return master != null && !master.equals(exMaster);
            }, () -> redis.roles() + "\nex-master's start: " + failureContext.get());
            stages.mark("replica promoted");
            String newMaster = redis.master();
            long ackedAtPromotion = writer.acked();
            cluster.await("the split connection's writes resume on " + newMaster, FAILOVER,
                    () -> writer.acked() > ackedAtPromotion + 50, () -> "acked " + writer.acked() + ", " + redis.roles());
            stages.mark("writes resumed");
            cluster.await("the master Service selecting " + newMaster + " only", FAILOVER,
                    () -> selected(Role.MASTER).equals(List.of(newMaster)),
                    () -> redis.roles() + "; master Service selects " + selected(Role.MASTER));
            stages.mark("master Service on the new master");
            // the kubelet restarts it (restartPolicy Always); here once the promotion is seen (see PodmanCluster#kill)
            assertThat(cluster.status(exMaster, "redis")).as("the killed container").isNotEqualTo("running");
            cluster.restart(exMaster, "redis");
            stages.mark("ex-master container started");
            cluster.await(exMaster + " back as a linked replica of " + newMaster + ", ready, in the replica Service",
                    FAILOVER, () -> redis.role(exMaster).equals("slave") && redis.linked(exMaster)
                            && cluster.ready(exMaster) && selected(Role.REPLICA).contains(exMaster),
                    () -> redis.roles() + "; replica Service selects " + selected(Role.REPLICA));
            stages.mark("ex-master a linked, ready replica in the replica Service");
            System.out.println(stages);
            System.out.println("container tier: the ex-master's start decisions:\n" + startDecisions(exMaster));
            writer.close();
            String lastKey = writer.lastAckedKey();
            cluster.await(exMaster + " has the writes acknowledged after the failover", Duration.ofSeconds(20),
                    () -> lastKey.equals(redis.call(exMaster, c -> c.get(lastKey) == null ? "" : lastKey)), redis::roles);
            assertThat(redis.call(exMaster, c -> String.valueOf(c.dbsize()))).as("keys on the rejoined ex-master")
                    .isEqualTo(redis.call(newMaster, c -> String.valueOf(c.dbsize())));
            List<String> replicas = redis.names().stream().filter(p -> !p.equals(newMaster)).sorted().toList();
            cluster.await("the master Service on " + newMaster + ", the replica Service on " + replicas, FAILOVER,
                    () -> selected(Role.MASTER).equals(List.of(newMaster)) && selected(Role.REPLICA).equals(replicas),
                    () -> "master Service " + selected(Role.MASTER) + ", replica Service " + selected(Role.REPLICA));
        }
    }

    @Test
    void aPlannedFailoverThroughThePodsPreStopPromotesAReplicaBeforeTheMasterStopsAndWritesResume() {
        PlannedFailover run = plannedFailover();
        assertThat(run.failovers()).as("failovers the Sentinels made:\n" + run.sentinelEvents()).isEqualTo(1);
    }

    /**
     * The pod's own preStop holds writes until the replicas hold everything, then fails over: no write the old master
     * acknowledged may be missing on the master the Sentinels name once it is over, and the Sentinels fail over once.
     * Without holding writes (the Sentinels promote the new master ~10 s before the old one is demoted) this lost 51
     * to 7075 acknowledged writes per run here. Holding them with CLIENT PAUSE WRITE lost 532 in 1 of 2 runs: the
     * pause also held the Sentinels' hello PUBLISH and the PING behind it, so they saw the master down, one of them
     * failed over by itself while preStop waited, and the SENTINEL FAILOVER preStop then asked for moved the master
     * a second time, from the first new master to the other replica. In other runs readiness stepped the replica
     * being promoted down again before the Sentinels named it, so the failover never happened within preStop. The
     * writer goes on for {@link #AFTER_FAILOVER} after preStop, so a second failover would be inside the run.
     */
    @Test
    void aPlannedFailoverThroughThePodsPreStopLosesNoAcknowledgedWrite() {
        PlannedFailover run = plannedFailover();
        assertThat(run.missing()).as(run.missing().size() + " acknowledged writes missing on the master; Sentinel events:\n"
                + run.sentinelEvents()).isEmpty();
        assertThat(run.failovers()).as("failovers the Sentinels made:\n" + run.sentinelEvents()).isEqualTo(1);
    }

    /**
     * What one planned failover did.
     *
     * @param acked          writes acknowledged (OK) through the split connection
     * @param missing        those the master lacks once it is over
     * @param preStopMillis  how long the master pod's preStop took
     * @param failovers      how many times the master moved (+switch-master, the most any Sentinel logged)
     * @param sentinelEvents every Sentinel's failover events since the deletion, in time order
     */
    record PlannedFailover(long acked, Set<String> missing, long preStopMillis, long failovers, String sentinelEvents) {
    }

    /**
     * Deletes the master pod (its preStop fails over) under writes, writes on for {@link #AFTER_FAILOVER}, then
     * compares what was acknowledged with what the master the Sentinels name holds.
     */
    private PlannedFailover plannedFailover() {
        String exMaster = redis.master();
        try (StatefulRedisMasterReplicaConnection<String, String> split = connect();
             Writer writer = new Writer(split)) {
            writer.awaitAcked(50);
            long deletedAt = System.currentTimeMillis();
            PodmanCluster.Deletion deletion = cluster.delete(exMaster);
            Podman.Result hook = deletion.hooks().get("redis");
            long preStopMillis = deletion.hookMillis().get("redis");
            System.out.printf("container tier: deletion of %s: preStop %d ms %s, stop after SIGTERM (ms) %s%n", exMaster,
                    preStopMillis, hook, deletion.stopMillis());
            assertThat(hook.exitCode()).as("preStop: " + hook).isZero();
            assertThat(hook.stdout()).as("preStop").contains("writes refused, replicas hold offset", "failed over: this pod is a replica of");
            assertThat(redis.master()).isNotEqualTo(exMaster);
            long ackedAtStop = writer.acked();
            cluster.await("the split connection's writes resume", FAILOVER,
                    () -> writer.acked() > ackedAtStop + 50, () -> "acked " + writer.acked() + ", " + redis.roles());
            cluster.await(AFTER_FAILOVER + " of writes after preStop", FAILOVER,
                    () -> System.currentTimeMillis() - deletedAt > preStopMillis + AFTER_FAILOVER.toMillis(), redis::roles);
            writer.close();
            cluster.await("one master, named by every Sentinel", FAILOVER,
                    () -> redis.masterOrNull() != null && redis.sentinelsName(spec.name(), redis.masterOrNull()), redis::roles);
            String master = redis.master();
            Set<String> missing = new java.util.TreeSet<>();
            try (StatefulRedisConnection<String, String> connection = client.connect(redis.uri(master))) {
                for (String key : writer.ackedKeys()) {
                    if (connection.sync().get(key) == null) {
                        missing.add(key);
                    }
                }
            }
            String events = sentinelEvents(deletedAt);
            long failovers = redis.sentinels().stream().mapToLong(s -> events.lines()
                    .filter(l -> l.contains(" " + s + " ") && l.contains("+switch-master")).count()).max().orElse(0);
            PlannedFailover run = new PlannedFailover(writer.acked(), missing, preStopMillis, failovers, events);
            System.out.printf("container tier: planned failover via preStop: %d writes acknowledged, %d missing on %s%s, "
                    + "preStop %d ms, %d failover(s); Sentinel events:%n%s%n", run.acked(), missing.size(), master,
                    missing.isEmpty() ? "" : " (" + ((java.util.TreeSet<String>) missing).first() + " .. "
                            + ((java.util.TreeSet<String>) missing).last() + ")", preStopMillis, failovers, events);
            return run;
        }
    }

    /** @return each Sentinel's failover events (sdown, odown, votes, promotion, switch) since then, in time order */
    private String sentinelEvents(long sinceMillis) {
        java.util.regex.Pattern event = java.util.regex.Pattern.compile(
                "[-+](sdown|odown|new-epoch|try-failover|vote-for-leader|elected-leader|selected-slave|promoted-slave"
                        + "|failover-end|switch-master|convert-to-slave|failover-abort[a-z-]*)\\b|voted for|Executing user");
        List<String> lines = new java.util.ArrayList<>();
        for (String sentinel : redis.sentinels()) {
            Podman.run("logs", "-t", "--since", String.valueOf(sinceMillis / 1000), cluster.pod(sentinel).container("sentinel"))
                    .stdout().lines().filter(l -> event.matcher(l).find())
                    .map(l -> l.replaceFirst("^(\\S+) \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ ", "$1 " + sentinel + " "))
                    .forEach(lines::add);
        }
        return lines.stream().sorted().collect(java.util.stream.Collectors.joining("\n"));
    }

    /** @return the lines of a Redis container's log that tell how it started (ha.sh's decisions, Redis' role) */
    private String startDecisions(String pod) {
        return Podman.run("logs", "-t", cluster.pod(pod).container("redis")).stdout().lines()
                .filter(l -> l.contains("redis-kube:") || l.contains("Redis is starting") || l.contains("REPLICAOF")
                        || l.contains("MASTER MODE") || l.contains("Full resync") || l.contains("Running mode"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Seconds since the start of each named stage, for the log. */
    private static final class Stages {
        private final long start = System.currentTimeMillis();
        private final StringBuilder out;

        Stages(String what) {
            out = new StringBuilder("container tier: " + what + ":");
        }

        void mark(String stage) {
            out.append(String.format(java.util.Locale.ROOT, " %s +%.1f s;", stage, (System.currentTimeMillis() - start) / 1000.0));
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /**
     * @return the ready pods the role's Service selects in the API server (its selector from the rendered
     *         Service), as its Endpoints list them
     */
    private List<String> selected(Role role) {
        Service service = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals(spec.names().of(role))).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + spec.names().of(role) + " rendered"));
        return api.client().pods().inNamespace(spec.namespace()).withLabels(service.getSpec().getSelector()).list()
                .getItems().stream().map(p -> p.getMetadata().getName()).filter(cluster::ready).sorted().toList();
    }

    /**
     * A live rotation on the Sentinel pods: the store plays each kubelet's refresh of every pod's mounted password
     * file (Redis, Sentinel) before it returns; the pods' ha.sh readiness (role label, Sentinels asked) and
     * sentinel-probe keep passing after the old password is retired, no write fails, the old one is refused.
     */
    @Test
    void aRotatedPasswordReachesEveryPodsFileTheirHaScriptsStayReadyAndTheOldOneIsRefused() {
        String old = spec.auth().password();
        String rotated = "rotated-password-0123456789abcdef";
        List<String> pods = List.copyOf(cluster.pods().keySet());
        RedisSentinels sentinels = RedisSentinels.of(spec).toBuilder().credentials(RotatingPassword.of(old))
                .addressMapper(cluster::map).build();
        long retired;
        try (StatefulRedisMasterReplicaConnection<String, String> split = RedisKubeConnections.connect(client, sentinels);
             Writer writer = new Writer(split)) {
            writer.awaitAcked(50);
            RedisKubeConnections.rotatePassword(client, sentinels, rotated, stored -> cluster.refreshSecret(
                    RedisManifests.secretName(spec), RedisManifests.secretKey(spec), stored, pods));
            retired = System.currentTimeMillis();
            writer.awaitAcked(writer.acked() + 50);
            writer.close();
            assertThat(writer.failures()).as("failed writes during and after the rotation (of %d)", writer.acked())
                    .isZero();
        }
        cluster.await("two readiness runs of every container after the rotation", FAILOVER, () -> pods.stream()
                .flatMap(p -> cluster.probers(p).stream()).filter(p -> p.kind().equals("readiness"))
                .allMatch(p -> p.runs().stream().filter(r -> r.atMillis() > retired).count() >= 2), () -> "");
        for (String pod : pods) {
            assertThat(cluster.ready(pod)).as(pod + " Ready").isTrue();
            for (Prober prober : cluster.probers(pod)) {
                if (prober.kind().equals("readiness")) {
                    assertThat(prober.runs()).filteredOn(r -> r.atMillis() > retired)
                            .as(prober.container() + " readiness after the old password was retired")
                            .allSatisfy(r -> assertThat(r.exitCode()).as(r.output()).isZero());
                }
            }
            int port = pod.contains("-sentinel-") ? 26379 : 6379;
            RedisURI oldUri = RedisURI.builder().withHost(cluster.pod(pod).ip()).withPort(port)
                    .withPassword(old.toCharArray()).withTimeout(Duration.ofSeconds(10)).build();
            assertThat(RedisPods.authenticate(client, oldUri)).as(pod + " refuses the old password").contains("WRONGPASS");
        }
    }

    private StatefulRedisMasterReplicaConnection<String, String> connect() {
        RedisSentinels sentinels = RedisSentinels.of(spec).toBuilder().password(spec.auth().password())
                .addressMapper(cluster::map).build();   // a spec carries no password (the Secret holds it)
        return RedisKubeConnections.connect(client, sentinels);
    }

    /** Writes key:n = n through the split connection, one at a time, recording every acknowledged key. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final Set<String> ackedKeys = ConcurrentHashMap.newKeySet();
        private volatile String lastAckedKey;
        private final Thread thread;

        Writer(StatefulRedisMasterReplicaConnection<String, String> connection) {
            thread = new Thread(() -> {
                long n = 0;
                while (running.get()) {
                    String key = "key:" + n++;
                    try {
                        if ("OK".equals(connection.sync().set(key, key))) {
                            ackedKeys.add(key);
                            lastAckedKey = key;
                            acked.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        sleep();
                    }
                }
            }, "split-writer");
            thread.setDaemon(true);
            thread.start();
        }

        private static void sleep() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitAcked(long n) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.get() < n) {
                assertThat(System.nanoTime()).as("the split connection acknowledged " + acked.get() + " writes")
                        .isLessThan(deadline);
                sleep();
            }
        }

        long acked() {
            return acked.get();
        }

        /** @return how many writes failed (a failover makes some fail; a rotation must make none) */
        long failures() {
            return failures.get();
        }

        String lastAckedKey() {
            return lastAckedKey;
        }

        Set<String> ackedKeys() {
            return Set.copyOf(ackedKeys);
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
