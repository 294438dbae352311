package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.models.role.RedisNodeDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads from the replicas in the client's own zone: a {@link ReadFrom} that selects <em>only</em> the connected
 * replicas in that zone when there is at least one, else the other connected replicas, else the master. It never
 * lists the other zones' replicas behind the local ones, so the split connection's spread (uniform over what a
 * {@code ReadFrom} selects) stays inside the zone, and reads cross zones only while no local replica is connected.
 *
 * <pre>{@code
 * String zone = System.getenv("CLIENT_ZONE");              // e.g. "eu-west-1a": config, not the downward API
 * ZoneReadFrom reads = ZoneReadFrom.preferring(zone, deployment.nodeZones());
 * try (var redis = RedisKubeConnections.connect(client, StringCodec.UTF8, RedisEndpoints.of(deployment), reads)) {
 *     redis.sync().get("k");                                // a replica in eu-west-1a, while one is connected
 *     redis.setReadFrom(reads.withZones(deployment.nodeZones()));   // pods moved: read the zones again
 * }
 * }</pre>
 *
 * <p>A replica's zone is looked up by the address it is known by before any address mapping (the host a Redis pod
 * announces, its stable DNS name, which is what {@code RedisDeployment.nodeZones()} keys by); a replica of no
 * known zone counts as another zone's. "Connected" is the split connection's own view of its link to each
 * replica; with Lettuce's own connections, whose nodes it cannot see, every listed replica counts as connected.
 * Selection runs on every read: the zone lookup must be cheap (a map lookup).
 *
 * <p>Immutable and thread-safe; {@link #withZones} returns a copy with new zones.
 */
public final class ZoneReadFrom extends ReadFrom {

    private final String clientZone;
    private final Function<Address, @Nullable String> zoneOf;
    private final String zones;

    private ZoneReadFrom(String clientZone, Function<Address, @Nullable String> zoneOf, String zones) {
        this.clientZone = clientZone;
        this.zoneOf = zoneOf;
        this.zones = zones;
    }

    /**
     * @param clientZone the zone the client runs in, e.g. {@code eu-west-1a}
     * @param zoneByHost zone by host (as {@code RedisDeployment.nodeZones()} returns it); copied
     * @return reads preferring the replicas whose host is in {@code clientZone}
     * @throws IllegalArgumentException when {@code clientZone} is blank or the map is null
     */
    public static ZoneReadFrom preferring(String clientZone, Map<String, String> zoneByHost) {
        requireZone(clientZone);
        if (zoneByHost == null) {
            throw new IllegalArgumentException("zoneByHost must not be null, was null: pass deployment.nodeZones(),"
                    + " or Map.of() to read from any replica");
        }
        Map<String, String> copy = new TreeMap<>(zoneByHost);
        return new ZoneReadFrom(clientZone, address -> copy.get(address.host()), copy.toString());
    }

    /**
     * @param clientZone the zone the client runs in
     * @param zoneOf     a replica's zone by its address (host and port, before mapping), or {@code null} when
     *                   unknown; called on every read, so keep it cheap
     * @return reads preferring the replicas {@code zoneOf} places in {@code clientZone}
     * @throws IllegalArgumentException when {@code clientZone} is blank or {@code zoneOf} is null
     */
    public static ZoneReadFrom preferring(String clientZone, Function<Address, @Nullable String> zoneOf) {
        requireZone(clientZone);
        if (zoneOf == null) {
            throw new IllegalArgumentException("zoneOf must not be null, was null: pass a lookup of a replica's"
                    + " zone by its address, e.g. a -> zones.get(a.host())");
        }
        return new ZoneReadFrom(clientZone, zoneOf, "a function");
    }

    private static void requireZone(String clientZone) {
        if (clientZone == null || clientZone.isBlank()) {
            throw new IllegalArgumentException("clientZone must be a zone name, was " + (clientZone == null ? "null"
                    : "\"" + clientZone + "\"") + ": pass the client's zone from its config or environment (node"
                    + " labels are not in the downward API), e.g. System.getenv(\"CLIENT_ZONE\")");
        }
    }

    /**
     * @param zoneByHost zones read again (pods moved), by host
     * @return a copy preferring the same client zone with these zones
     */
    public ZoneReadFrom withZones(Map<String, String> zoneByHost) {
        return preferring(clientZone, zoneByHost);
    }

    /** @return the zone whose replicas are preferred */
    public String clientZone() {
        return clientZone;
    }

    /**
     * @param nodes the master and the replicas
     * @return the connected replicas in the client's zone if any, else the other connected replicas, else the
     *         master
     */
    @Override
    public List<RedisNodeDescription> select(Nodes nodes) {
        List<RedisNodeDescription> local = new ArrayList<>();
        List<RedisNodeDescription> remote = new ArrayList<>();
        List<RedisNodeDescription> master = new ArrayList<>(1);
        for (RedisNodeDescription node : nodes) {
            if (node.getRole() != RedisInstance.Role.REPLICA) {
                master.add(node);
            } else if (!(node instanceof Node ours) || ours.open()) {
                (clientZone.equals(zoneOf.apply(address(node))) ? local : remote).add(node);
            }
        }
        return !local.isEmpty() ? local : !remote.isEmpty() ? remote : master;
    }

    /** @return the address a node is known by before mapping (ours), or the one connected to (Lettuce's) */
    private static Address address(RedisNodeDescription node) {
        return node instanceof Node ours ? ours.address()
                : new Address(node.getUri().getHost(), node.getUri().getPort());
    }

    /** @return {@code false}: only the preferred nodes are selected, so reads spread evenly over them */
    @Override
    protected boolean isOrderSensitive() {
        return false;
    }

    @Override
    public String toString() {
        return "ZoneReadFrom[prefer " + clientZone + ", zones " + zones + "]";
    }
}
