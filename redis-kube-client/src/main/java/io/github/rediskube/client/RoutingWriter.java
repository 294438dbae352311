package io.github.rediskube.client;

import io.lettuce.core.OrderingReadFromAccessor;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.role.RedisInstance;
import io.lettuce.core.models.role.RedisNodeDescription;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.ReadOnlyCommands;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Routes each command of the split connection: writes to the master, read-only commands to a node the
 * {@link ReadFrom} selects among the current {@link Topology}, among those whose connection is up. The
 * topology is swapped as a whole by {@link TopologyWatcher}.
 *
 * <p>Reads spread ({@link ReadSpread}), with Lettuce's settings and the caller's alike: uniformly over the
 * connected nodes an order-insensitive {@code ReadFrom} selects ({@code ANY}, {@code ANY_REPLICA}, subnets, and
 * one of the caller's that does not override {@code isOrderSensitive()}); for an order-sensitive one
 * ({@code REPLICA_PREFERRED}, {@code UPSTREAM_PREFERRED}, {@code LOWEST_LATENCY}, or the caller's) uniformly over
 * the connected nodes of the first role in its order that has one, so the default {@code REPLICA_PREFERRED}, or
 * the caller's "these replicas, then the master", spreads over the connected replicas and reads from the master
 * only when none is. (The split connection measures no latency: {@code LOWEST_LATENCY} sees the master first.)
 *
 * <p>Lettuce's read-only command list is narrowed: commands whose effect or answer belongs to one server
 * connection go to the master even though they change no data ({@link #MASTER_ONLY}: SCRIPT, because the
 * script cache is per server and not replicated, so EVALSHA after SCRIPT LOAD must meet the same server;
 * EVALSHA_RO for the same reason; CLIENT; FUNCTION; cluster's READONLY, READWRITE and ASKING). From MULTI to
 * EXEC/DISCARD and from WATCH to EXEC/DISCARD/UNWATCH every command goes to the master ({@link SessionState}).
 * SELECT is rejected: the master and each replica have a connection of their own, so a database selected on
 * one would not be selected on the others, and reads and writes would silently meet different databases.
 * WAIT is refused when a write since the previous WAIT went to an earlier master; a write counts once it is
 * handed to a server connection without failing there (one rejected while the master is disconnected never
 * reached a server and does not count).
 *
 * <p>All of this is decided in one place, {@link #route}, command by command: a batch
 * ({@code dispatch(Collection)}) routes each of its commands as if it were sent alone, then hands each node
 * its share in one dispatch, in the batch's order.
 */
final class RoutingWriter implements RedisChannelWriter {

    /** Read-only in Lettuce's list, but bound to one server connection: always the master. */
    static final Set<ProtocolKeyword> MASTER_ONLY = Set.of(CommandType.SCRIPT, CommandType.EVALSHA_RO,
            CommandType.CLIENT, CommandType.FUNCTION, CommandType.READONLY, CommandType.READWRITE,
            CommandType.ASKING);

    static final String SELECT_REJECTED = "SELECT is not supported on a split connection: the master and each "
            + "replica are separate server connections, so a database selected on one would not be selected on "
            + "the others and reads would not see the writes; keep to database 0, or use a plain connection "
            + "(RedisClient.connect) for another database";

    private final ClientResources resources;
    private final ReadOnlyCommands.ReadOnlyPredicate readOnly;
    private final SessionState session = new SessionState();
    private volatile Topology topology;
    /** The ReadFrom and how reads spread under it, swapped together. */
    private volatile ReadPolicy reads;
    private volatile boolean autoFlush = true;
    private volatile boolean closed;
    private final List<Runnable> onClose = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param readOnly the client's read-only predicate; {@link #MASTER_ONLY} commands are taken out of it
     */
    RoutingWriter(ClientResources resources, ReadOnlyCommands.ReadOnlyPredicate readOnly, Topology topology,
            ReadFrom readFrom) {
        this.resources = resources;
        Objects.requireNonNull(readOnly, "readOnly");
        this.readOnly = command -> !MASTER_ONLY.contains(command.getType()) && readOnly.isReadOnly(command);
        this.topology = topology;
        this.reads = ReadPolicy.of(readFrom);
    }

    /** How reads spread under a {@link ReadFrom}. */
    enum ReadSpread {
        /** Uniformly over every connected node it selects (it declares its order meaningless). */
        ALL,
        /**
         * Uniformly over the connected nodes of the first role in its order with one: within a role the order
         * of Lettuce's role orders is just the topology's, and a caller's "replicas, then the master" should
         * spread over the replicas as {@code ANY_REPLICA} does, not stick to the first it lists.
         */
        FIRST_ROLE
    }

    /** A {@link ReadFrom} and its {@link ReadSpread}, computed once when it is set. */
    record ReadPolicy(ReadFrom from, ReadSpread spread) {

        static ReadPolicy of(ReadFrom from) {
            Objects.requireNonNull(from, "readFrom");
            return new ReadPolicy(from,
                    OrderingReadFromAccessor.isOrderSensitive(from) ? ReadSpread.FIRST_ROLE : ReadSpread.ALL);
        }
    }

    /**
     * Where one command goes: the master ({@code write}: it counts for the next WAIT), the master for a WAIT
     * that covers the writes since the previous one ({@code write} false), or a read target.
     */
    private record Route(Node node, boolean write) {
    }

    /**
     * The routing decision for one command, taken the same way for single commands and for each command of
     * a batch: refuses SELECT, notes what the command opens or closes ({@link SessionState}), and sends it to
     * a read target when it is read-only outside a transaction or WATCH, else to {@code current}'s master
     * (a WAIT only when it can vouch for the writes since the previous one).
     *
     * @return where it goes, or {@code null} when it was refused (it is then completed exceptionally)
     */
    private @Nullable Route route(RedisCommand<?, ?, ?> command, Topology current) {
        if (command.getType() == CommandType.SELECT) {
            command.completeExceptionally(new RedisException(SELECT_REJECTED));
            return null;
        }
        boolean read = !session.pinnedToMaster() && readOnly.isReadOnly(command);
        session.track(command);
        try {
            if (read && !session.pinnedToMaster()) {
                return new Route(readTarget(current), false);
            }
            if (command.getType() == CommandType.WAIT) {
                session.checkWait(current.master());
                return new Route(current.master(), false);
            }
            return new Route(current.master(), true);
        } catch (RedisException e) {
            command.completeExceptionally(e);
            return null;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
        if (closed) {
            command.completeExceptionally(new RedisException("the connection is closed"));
            return command;
        }
        Route route = route(command, topology);
        if (route == null) {
            return command;
        }
        try {
            RedisCommand<K, V, T> dispatched = ((StatefulRedisConnection<K, V>) route.node().connection()).dispatch(command);
            if (route.write()) {
                session.wrote(route.node(), command);
            }
            return dispatched;
        } catch (RedisException e) {
            command.completeExceptionally(e);
            return command;
        }
    }

    /**
     * Routes each command as {@link #write(RedisCommand)} would, then hands each node its commands in one
     * dispatch, in their order in the batch. A WAIT in the batch covers the writes before it (same master,
     * same connection, in order), so only the writes after the last WAIT count for the next one.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
        if (closed) {
            commands.forEach(c -> c.completeExceptionally(new RedisException("the connection is closed")));
            return (Collection<RedisCommand<K, V, ?>>) commands;
        }
        Topology current = topology;
        Map<Node, List<RedisCommand<K, V, ?>>> byNode = new LinkedHashMap<>();
        List<RedisCommand<K, V, ?>> writes = new ArrayList<>();
        for (RedisCommand<K, V, ?> command : commands) {
            Route route = route(command, current);
            if (command.getType() == CommandType.WAIT) {
                writes.clear();
            }
            if (route != null) {
                byNode.computeIfAbsent(route.node(), n -> new ArrayList<>()).add(command);
                if (route.write()) {
                    writes.add(command);
                }
            }
        }
        for (Map.Entry<Node, List<RedisCommand<K, V, ?>>> batch : byNode.entrySet()) {
            try {
                ((StatefulRedisConnection<K, V>) batch.getKey().connection()).dispatch(batch.getValue());
            } catch (RedisException e) {
                batch.getValue().forEach(c -> c.completeExceptionally(e));
            }
        }
        writes.forEach(command -> session.wrote(current.master(), command));
        return (Collection<RedisCommand<K, V, ?>>) commands;
    }

    private Node readTarget(Topology current) {
        ReadPolicy policy = reads;
        List<RedisNodeDescription> selected = policy.from().select(current);
        int size = selected.size();
        if (size == 0) {
            throw new RedisException("no node to read from with ReadFrom " + name(policy.from()) + " among "
                    + current.getNodes() + ": use ReadFrom.REPLICA_PREFERRED to fall back to the master");
        }
        Node[] candidates = new Node[size];
        int count = 0;
        RedisInstance.Role role = null;
        for (RedisNodeDescription description : selected) {
            Node node = node(current, description);
            if (!node.open()) {
                continue;
            }
            if (role == null) {
                role = node.role();
            } else if (policy.spread() == ReadSpread.FIRST_ROLE && node.role() != role) {
                continue;
            }
            candidates[count++] = node;
        }
        if (count == 0) {
            // none is connected: the client's disconnectedBehavior decides (reject at once, or queue until back)
            return node(current, selected.get(0));
        }
        return candidates[count == 1 ? 0 : ThreadLocalRandom.current().nextInt(count)];
    }

    private static Node node(Topology topology, RedisNodeDescription description) {
        if (description instanceof Node node) {
            return node;
        }
        for (RedisNodeDescription candidate : topology.getNodes()) {
            if (candidate.getUri().equals(description.getUri())) {
                return (Node) candidate;
            }
        }
        throw new RedisException("ReadFrom selected " + description + ", which is not one of " + topology.getNodes());
    }

    Topology topology() {
        return topology;
    }

    /** Swaps in a new topology; new node connections follow this connection's auto-flush setting. */
    synchronized void topology(Topology next) {
        for (Node node : next.getNodes().stream().map(Node.class::cast).toList()) {
            node.connection().setAutoFlushCommands(autoFlush);
        }
        this.topology = next;
    }

    /**
     * Swaps in a new topology only if the current one is still {@code expected}, so the replica re-check
     * never undoes a master switch that happened while it connected replicas.
     *
     * @return whether it was swapped
     */
    synchronized boolean replace(Topology expected, Topology next) {
        if (topology != expected) {
            return false;
        }
        topology(next);
        return true;
    }

    ReadFrom readFrom() {
        return reads.from();
    }

    void readFrom(ReadFrom value) {
        this.reads = ReadPolicy.of(value);
    }

    /** @return whether a transaction is open on this connection ({@link SessionState#inTransaction()}) */
    boolean inTransaction() {
        return session.inTransaction();
    }

    boolean closed() {
        return closed;
    }

    /** Adds an action run once when the connection closes (watchers stop their threads). */
    void onClose(Runnable action) {
        this.onClose.add(action);
    }

    @Override
    public void close() {
        closeAsync().join();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        closed = true;
        onClose.forEach(Runnable::run);
        return CompletableFuture.allOf(topology.getNodes().stream()
                .map(n -> ((Node) n).connection().closeAsync())
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public void setConnectionFacade(ConnectionFacade connection) {
        // node connections report their own state; the split connection stays open until closed
    }

    @Override
    public void setAutoFlushCommands(boolean value) {
        this.autoFlush = value;
        topology.getNodes().forEach(n -> ((Node) n).connection().setAutoFlushCommands(value));
    }

    @Override
    public void flushCommands() {
        topology.getNodes().forEach(n -> ((Node) n).connection().flushCommands());
    }

    @Override
    public ClientResources getClientResources() {
        return resources;
    }

    /** @return the constant's name for Lettuce's own ReadFrom settings, else its toString */
    static String name(ReadFrom readFrom) {
        for (java.lang.reflect.Field field : ReadFrom.class.getFields()) {
            try {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.get(null) == readFrom) {
                    return field.getName();
                }
            } catch (IllegalAccessException e) {
                break;
            }
        }
        return String.valueOf(readFrom);
    }

    @Override
    public String toString() {
        Topology current = topology;
        return "[master " + current.master().address() + ", replicas "
                + current.replicas().stream().map(Node::address).toList() + ", readFrom " + name(reads.from()) + "]";
    }
}
