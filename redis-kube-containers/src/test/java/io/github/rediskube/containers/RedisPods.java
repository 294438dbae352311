package io.github.rediskube.containers;

import io.github.rediskube.testing.RedisNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/** The Redis servers of a played cluster, asked from the test JVM at their pod IPs with the spec's password. */
final class RedisPods {

    private final PodmanCluster cluster;
    private final RedisClient client;
    private final String password;

    RedisPods(PodmanCluster cluster, RedisClient client, String password) {
        this.cluster = cluster;
        this.client = client;
        this.password = password;
    }

    /** @return the same pods asked with another password (a rotation's old or new one) */
    RedisPods withPassword(String other) {
        return new RedisPods(cluster, client, other);
    }

    /** @return PONG, or the server's refusal with its causes, for this password at the pod ({@link #authenticate}) */
    String authenticate(String pod) {
        return authenticate(client, uri(pod));
    }

    /** Waits until every replica pod among {@code pods} reports its master link up. */
    void awaitLinked(List<String> pods, Duration timeout) {
        for (String pod : pods.stream().filter(p -> p.contains("-replica-")).toList()) {
            cluster.await(pod + " linked to the master", timeout, () -> linked(pod), () -> roles());
        }
    }

    /** @return PONG, or the server's refusal with its causes ({@link RedisNode#authenticate}) */
    static String authenticate(RedisClient client, RedisURI uri) {
        return RedisNode.authenticate(client, uri);
    }

    /** @return the Redis pods (every pod but the Sentinels), in StatefulSet and ordinal order */
    List<String> names() {
        return cluster.pods().keySet().stream().filter(p -> !p.contains("-sentinel-")).toList();
    }

    /** @return the Sentinel pods */
    List<String> sentinels() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-sentinel-")).toList();
    }

    RedisURI uri(String pod) {
        return RedisURI.builder().withHost(cluster.pod(pod).ip()).withPort(6379)
                .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build();
    }

    /** @return what the call returns on the pod's server, or "down" when it cannot be reached */
    String call(String pod, Function<RedisCommands<String, String>, String> call) {
        try (StatefulRedisConnection<String, String> connection = client.connect(uri(pod))) {
            return call.apply(connection.sync());
        } catch (RuntimeException e) {
            return "down";
        }
    }

    /** @return master, slave or down, from the server's own INFO replication */
    String role(String pod) {
        String info = call(pod, c -> c.info("replication"));
        return info.contains("role:master") ? "master" : info.contains("role:slave") ? "slave" : "down";
    }

    boolean linked(String pod) {
        return call(pod, c -> c.info("replication")).contains("master_link_status:up");
    }

    /** @return the one master, or null while there is none or more than one */
    String masterOrNull() {
        List<String> masters = names().stream().filter(p -> role(p).equals("master")).toList();
        return masters.size() == 1 ? masters.get(0) : null;
    }

    String master() {
        return names().stream().filter(p -> role(p).equals("master")).findFirst()
                .orElseThrow(() -> new AssertionError("no master: " + roles()));
    }

    /** @return whether exactly one server is a master and every other one a linked replica */
    boolean settled() {
        List<String> roles = names().stream().map(this::role).toList();
        return roles.stream().filter("master"::equals).count() == 1
                && names().stream().filter(p -> !role(p).equals("master")).allMatch(this::linked);
    }

    /**
     * @return whether every Sentinel knows the master under {@code masterName}, {@code replicas} replicas of it
     *         and the other Sentinels (they learn the replicas from the master's INFO, every 10 s): before
     *         that a crashed master cannot be failed over, and ha.sh restarts it as a master ("know no replica")
     */
    boolean sentinelsKnow(String masterName, int replicas) {
        for (String sentinel : sentinels()) {
            RedisURI uri = RedisURI.builder().withHost(cluster.pod(sentinel).ip()).withPort(26379)
                    .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build();
            try (var connection = client.connectSentinel(uri)) {
                java.util.Map<String, String> master = connection.sync().master(masterName);
                if (Integer.parseInt(master.getOrDefault("num-slaves", "0")) != replicas
                        || Integer.parseInt(master.getOrDefault("num-other-sentinels", "0")) != sentinels().size() - 1) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** @return whether every Sentinel names the pod the master of {@code masterName} (get-master-addr-by-name) */
    boolean sentinelsName(String masterName, String pod) {
        String host = cluster.pod(pod).ip();
        for (String sentinel : sentinels()) {
            RedisURI uri = RedisURI.builder().withHost(cluster.pod(sentinel).ip()).withPort(26379)
                    .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build();
            try (var connection = client.connectSentinel(uri)) {
                java.net.SocketAddress named = connection.sync().getMasterAddrByName(masterName);
                if (!(named instanceof java.net.InetSocketAddress address)
                        || !cluster.map(new io.github.rediskube.client.RedisEndpoints.Address(address.getHostString(),
                                address.getPort())).host().equals(host)) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    String roles() {
        StringBuilder out = new StringBuilder();
        names().forEach(p -> out.append(p).append('=').append(role(p)).append(' '));
        return out.toString().strip();
    }
}
