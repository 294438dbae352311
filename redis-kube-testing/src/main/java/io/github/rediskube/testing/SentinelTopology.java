package io.github.rediskube.testing;

import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Redis pods and Sentinels of a Sentinel spec as real processes on 127.0.0.1, run from exactly what the
 * renderer produces: each role's redis.conf, start.sh, probe.sh, ha.sh, sentinel.conf and
 * sentinel-master.conf, with only ports, the bind address and directories substituted. Redis pods start
 * through {@code ha.sh start} (asking the Sentinels whom to follow), Sentinels through {@code ha.sh sentinel}.
 *
 * <pre>{@code
 * try (SentinelTopology ha = SentinelTopology.start(spec, tempDir)) {
 *     RedisNode master = ha.currentMaster();
 *     master.kill();
 *     RedisNode promoted = ha.awaitMasterOtherThan(master, Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class SentinelTopology implements AutoCloseable {

    private final RedisReplicationSpec spec;
    private final Path root;
    private final List<RedisNode> redis = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Integer> redisPorts = new ArrayList<>();
    private final RedisClient client = RedisClient.create();
    private final SentinelPods pods;

    private SentinelTopology(RedisReplicationSpec spec, Path root, TlsCertificates tls) {
        this.spec = spec;
        this.root = root;
        this.pods = new SentinelPods(spec, root, RedisBinaries.requireSentinelDirectory(), sentinelPorts, redisPorts,
                tls);
        if (tls != null) {
            client.setOptions(tls.clientOptions());
        }
    }

    /**
     * Starts the Sentinels, then pod 0 of the master StatefulSet, then the replicas, as Kubernetes would
     * (there all at once; here in order so each start can be awaited).
     *
     * @param spec a spec with Sentinel
     * @param root a scratch directory
     * @return the running set; close it to stop every process
     */
    public static SentinelTopology start(RedisReplicationSpec spec, Path root) {
        return start(spec, root, null);
    }

    /**
     * Like {@link #start(RedisReplicationSpec, Path)} for a spec with TLS on: every pod's TLS Secret volume holds
     * {@code tls}'s files, the rendered tls-ports are the nodes' ports (the rendered {@code port 0} stays), and
     * this topology's own checks connect over TLS.
     *
     * @param spec a spec with Sentinel
     * @param root a scratch directory
     * @param tls  the certificates, exactly when the spec has TLS on
     * @return the running set; close it to stop every process
     */
    public static SentinelTopology start(RedisReplicationSpec spec, Path root, TlsCertificates tls) {
        if (!spec.sentinelEnabled()) {
            throw new IllegalArgumentException("spec " + spec.name() + " has no sentinel(..)");
        }
        if (spec.tlsEnabled() != (tls != null)) {
            throw new IllegalArgumentException("the spec has TLS " + (spec.tlsEnabled() ? "on" : "off")
                    + " but certificates were " + (tls == null ? "not " : "") + "given: pass TlsCertificates exactly"
                    + " when the spec has tls(..)");
        }
        SentinelTopology topology = new SentinelTopology(spec, root, tls);
        try {
            for (int i = 0; i < spec.sentinel().sentinels(); i++) {
                topology.sentinelPorts.add(RedisTopology.freePort());
            }
            for (int i = 0; i <= spec.replicas(); i++) {
                topology.redisPorts.add(RedisTopology.freePort());
            }
            for (int i = 0; i < spec.sentinel().sentinels(); i++) {
                topology.sentinels.add(topology.pods.sentinel(topology.sentinelPorts.get(i)).start());
            }
            for (int i = 0; i <= spec.replicas(); i++) {
                Role role = i == 0 ? Role.MASTER : Role.REPLICA;
                topology.redis.add(topology.pods.redis(role, topology.redisPorts.get(i)).start());
            }
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    /** @return every Redis node, pod 0 of the master StatefulSet first */
    public List<RedisNode> redisNodes() {
        return List.copyOf(redis);
    }

    /** @return the Sentinel processes */
    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    /** @return the password of servers and Sentinels, or {@code null} */
    public String password() {
        return spec.auth().password();
    }

    /** @return the master set's name, the spec's name */
    public String masterName() {
        return spec.name();
    }

    /** @return Lettuce's Sentinel URI for this set (every Sentinel, with the password) */
    public RedisURI sentinelUri() {
        RedisURI.Builder builder = null;
        for (int port : sentinelPorts) {
            // the Sentinels' own password goes on each Sentinel address; withPassword is the data nodes'
            builder = builder == null ? RedisURI.Builder.sentinel("127.0.0.1", port, masterName(), password())
                    : builder.withSentinel("127.0.0.1", port, password());
        }
        if (password() != null) {
            builder.withPassword(password().toCharArray());
        }
        return builder.withTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return the ports the Sentinels listen on */
    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    /**
     * @return the master's port as the Sentinels agree on it, the way ha.sh asks: of the live Sentinels that
     *         answer, the highest config epoch, and its {@code get-master-addr-by-name} (a Sentinel whose
     *         failover is still reconfiguring replicas already names the promoted one there); at a tie, the
     *         port most of them name (a Sentinel whose own failover ends after it took a newer epoch from the
     *         others switches to its promoted replica at that same epoch, and stays apart until the next one)
     */
    public Optional<Integer> masterPortFromSentinels() {
        Map<Integer, Integer> votes = new java.util.LinkedHashMap<>();
        long bestEpoch = -1;
        for (RedisNode sentinel : sentinels) {
            if (!sentinel.alive()) {
                continue;
            }
            try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel(sentinel.uri())) {
                long epoch = Long.parseLong(connection.sync().master(masterName()).getOrDefault("config-epoch", "0"));
                SocketAddress address = connection.sync().getMasterAddrByName(masterName());
                if (address instanceof InetSocketAddress inet && epoch >= bestEpoch) {
                    if (epoch > bestEpoch) {
                        votes.clear();
                        bestEpoch = epoch;
                    }
                    votes.merge(inet.getPort(), 1, Integer::sum);
                }
            } catch (RuntimeException e) {
                // this Sentinel cannot answer now: ask the next one
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** @return the node the Sentinels name master */
    public RedisNode currentMaster() {
        int port = masterPortFromSentinels().orElseThrow(() -> new IllegalStateException("no Sentinel answers"));
        return redis.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("Sentinels name port " + port + ", not one of " + redis));
    }

    /**
     * Waits until the Sentinels name a master other than {@code old} and that node reports role master.
     *
     * @param old     the master that died
     * @param timeout the bound
     * @return the promoted node
     */
    public RedisNode awaitMasterOtherThan(RedisNode old, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> port = masterPortFromSentinels();
            Optional<RedisNode> named = port.flatMap(p -> redis.stream().filter(n -> n.port() == p).findFirst());
            if (named.isPresent() && named.get() != old) {
                try {
                    if ("master".equals(named.get().call(client, c -> c.role().get(0).toString()))) {
                        return named.get();
                    }
                } catch (RuntimeException notYet) {
                    // the Sentinels name a node that does not answer (yet): ask again
                }
            }
            sleep(50);
        }
        throw new AssertionError("no new master within " + timeout + "; Sentinel logs:\n" + sentinelLogs());
    }

    /**
     * Waits until every live Sentinel knows {@code count} replicas. Sentinels learn replicas from the
     * master's INFO every 10 s, so in the first seconds of a new set they cannot reconfigure replicas
     * they have not seen yet.
     *
     * @param count   replicas to know
     * @param timeout the bound
     */
    public void awaitSentinelsKnowReplicas(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (RedisNode sentinel : sentinels) {
                if (!sentinel.alive()) {
                    continue;
                }
                try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(sentinel.uri())) {
                    all &= c.sync().replicas(masterName()).size() >= count;
                } catch (RuntimeException e) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("Sentinels do not know " + count + " replicas within " + timeout + ":\n"
                + sentinelLogs());
    }

    /**
     * Kills every Sentinel with SIGKILL and starts them all at once as new pods: their in-memory runtime
     * directory is gone (a new emptyDir); only a state volume (STORAGE mode) keeps what they knew.
     */
    public void restartSentinels() {
        replaceSentinels();
        sentinels.forEach(s -> s.awaitPing(Duration.ofSeconds(30)));
    }

    /**
     * Like {@link #restartSentinels()}, without waiting for the new Sentinels to answer: each decides
     * whom to monitor (ha.sh sentinel) in its own time, as new pods do.
     */
    public void replaceSentinels() {
        sentinels.forEach(RedisNode::kill);
        sentinels.forEach(SentinelTopology::wipeRuntime);
        sentinels.forEach(RedisNode::launch);
    }

    /**
     * Stops every pod (SIGTERM, as a delete does once preStop is done) and starts them all at once as a
     * re-deploy with kept volumes does: new runtime directories, the same data (and Sentinel state) volumes.
     *
     * @param timeout how long each pod may take to answer PING again
     */
    public void redeploy(Duration timeout) {
        redeployWithout(timeout, List.of());
    }

    /**
     * Like {@link #redeploy(Duration)}, but the Redis pods in {@code late} stay down, as pods whose volume
     * attaches late or whose node is slow: stopped, their runtime directory emptied, not started; the
     * test starts them with {@link RedisNode#launch()} when it wants.
     *
     * @param timeout how long each started pod may take to answer PING again
     * @param late    Redis nodes of this set to leave down
     */
    public void redeployWithout(Duration timeout, List<RedisNode> late) {
        redis.forEach(RedisNode::stop);
        sentinels.forEach(RedisNode::stop);
        sentinels.forEach(SentinelTopology::wipeRuntime);
        redis.forEach(SentinelTopology::wipeRuntime);
        sentinels.forEach(RedisNode::launch);
        List<RedisNode> now = redis.stream().filter(r -> !late.contains(r)).toList();
        now.forEach(RedisNode::launch);
        sentinels.forEach(s -> s.awaitPing(timeout));
        now.forEach(r -> r.awaitPing(timeout));
    }

    /**
     * Replaces one Redis pod as a rolling update does: stopped (SIGTERM, as a delete does once preStop is done),
     * its runtime directory emptied (a new emptyDir), its data volume kept, started again through
     * {@code ha.sh start} after {@code down} (a replaced pod is rescheduled, its volume attached), without
     * waiting for it to answer.
     *
     * @param node a Redis node of this set
     * @param down how long the pod stays away
     */
    public void recreate(RedisNode node, Duration down) {
        node.stop();
        wipeRuntime(node);
        sleep(down.toMillis());
        node.launch();
    }

    /** @return the running Redis nodes that answer ROLE with {@code master} */
    public List<RedisNode> liveMasters() {
        List<RedisNode> masters = new ArrayList<>();
        for (RedisNode node : redis) {
            try {
                if (node.alive() && "master".equals(node.call(client, c -> c.role().get(0).toString()))) {
                    masters.add(node);
                }
            } catch (RuntimeException notAnswering) {
                // loading or stopped: not a master that serves
            }
        }
        return masters;
    }

    /**
     * Waits until exactly one node answers as master and every other running node is linked to it.
     *
     * @param timeout the bound
     * @return the master
     */
    public RedisNode awaitOneMasterAllLinked(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<RedisNode> masters = List.of();
        while (System.nanoTime() < deadline) {
            masters = liveMasters();
            if (masters.size() == 1 && allLinkedTo(masters.get(0))) {
                return masters.get(0);
            }
            sleep(100);
        }
        throw new AssertionError("not exactly one master with every other node linked within " + timeout
                + ": masters " + masters + logs());
    }

    private boolean allLinkedTo(RedisNode master) {
        for (RedisNode node : redis) {
            if (node == master || !node.alive()) {
                continue;
            }
            try {
                String info = node.call(client, c -> c.info("replication"));
                if (!info.contains("master_link_status:up") || !info.contains("master_port:" + master.port() + "\r")) {
                    return false;
                }
            } catch (RuntimeException notYet) {
                return false;
            }
        }
        return true;
    }

    private static void wipeRuntime(RedisNode node) {
        Path runtime = node.home().resolve("run");
        try (var files = Files.list(runtime)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + runtime, e);
        }
    }

    /** @return every Redis node's log (its scripts' output and the server's) and every Sentinel's, for failure messages */
    public String logs() {
        StringBuilder logs = new StringBuilder();
        redis.forEach(n -> logs.append("\n--- ").append(n).append('\n').append(n.log()));
        return logs + "\n--- Sentinels:\n" + sentinelLogs();
    }

    /** @return every Sentinel's log, for failure messages */
    public String sentinelLogs() {
        return sentinels.stream().map(RedisNode::log).collect(Collectors.joining("\n---\n"));
    }

    /** @return where each Sentinel's log ends now, for {@link #sentinelLogsSince} */
    public List<Integer> sentinelLogMark() {
        return sentinels.stream().map(s -> s.log().length()).toList();
    }

    /**
     * @param mark a {@link #sentinelLogMark()}
     * @return what each Sentinel logged since the mark (all of the log of one replaced since, being shorter), one
     *         Sentinel after the other — not a substring of {@link #sentinelLogs()}, in which every Sentinel's growth
     *         shifts the next one's text
     */
    public String sentinelLogsSince(List<Integer> mark) {
        List<String> since = new java.util.ArrayList<>();
        for (int i = 0; i < sentinels.size(); i++) {
            String log = sentinels.get(i).log();
            int from = i < mark.size() && mark.get(i) <= log.length() ? mark.get(i) : 0;
            since.add(log.substring(from));
        }
        return String.join("\n---\n", since);
    }

    /**
     * Waits until a replica reports its link to the current master up.
     *
     * @param replica the replica
     * @param timeout the bound
     */
    public void awaitLinked(RedisNode replica, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = replica.call(client, c -> c.info("replication"));
                if (last.contains("role:slave") && last.contains("master_link_status:up")
                        && last.contains("master_port:" + currentMaster().port() + "\r")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                last = notYet.toString();
            }
            sleep(50);
        }
        throw new AssertionError(replica + " not linked to the master within " + timeout + ": " + last + "\n"
                + replica.log() + "\nSentinels:\n" + sentinelLogs());
    }

    /**
     * Runs the rendered ha.sh with a sub-command in a Redis node's environment, as the kubelet would run a
     * probe or preStop hook in its pod.
     *
     * @param node    a Redis node of this set
     * @param extra   environment added for this run (e.g. REDIS_ROLE_DIR, a PATH with a stand-in kubectl)
     * @param timeout the bound; the script is killed after it
     * @param args    the sub-command and its arguments
     * @return the exit code (-1 when killed at the bound) and output
     */
    public RedisTopology.ProbeResult runScript(RedisNode node, Map<String, String> extra, Duration timeout,
            String... args) {
        List<String> command = new ArrayList<>(List.of("sh", node.home().resolve("config")
                .resolve(RedisManifests.HA_SCRIPT_KEY).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(pods.environment(node));
        builder.environment().putAll(extra);
        try {
            Path out = Files.createTempFile(root, "script", ".log");
            Process process = builder.redirectOutput(out.toFile()).start();
            boolean done = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!done) {
                process.destroyForcibly().waitFor();
            }
            return new RedisTopology.ProbeResult(done ? process.exitValue() : -1, Files.readString(out).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Starts the rendered ha.sh with a sub-command in a node's environment as its container's command:
     * PID 1 of a PID namespace of its own ({@code unshare --pid --fork}), where no signal has a default
     * action, so only what the script traps ends it. Output goes to the node's log.
     *
     * @param node  a Redis node or Sentinel of this set
     * @param extra environment added for this run
     * @param args  the sub-command
     * @return the {@code unshare} process; its only child is the script, PID 1 of the namespace
     */
    public Process startAsContainer(RedisNode node, Map<String, String> extra, String... args) {
        List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child", "sh",
                node.home().resolve("config").resolve(RedisManifests.HA_SCRIPT_KEY).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.home().resolve("container.log").toFile()));
        builder.environment().putAll(pods.environment(node));
        builder.environment().putAll(extra);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run unshare (util-linux) for " + node, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (int i = redis.size() - 1; i >= 0; i--) {
            redis.get(i).kill();
        }
        for (RedisNode sentinel : sentinels) {
            sentinel.kill();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
