package io.github.rediskube.client;

import io.github.rediskube.client.RedisEndpoints.Address;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a running set (its Redis servers and, with Sentinel, its Sentinels) from one password to another
 * without closing a connection, in the order that keeps every step acceptable to every server:
 * <ol>
 *   <li>every server and Sentinel accepts the new password besides the old ({@code ACL SETUSER default >new});</li>
 *   <li>replication and Sentinel links use the new one when they next connect ({@code CONFIG SET masterauth},
 *       {@code SENTINEL CONFIG SET sentinel-pass}, {@code SENTINEL SET <set> auth-pass}); links already up stay;</li>
 *   <li>the {@link RotatingPassword} switches: new connections authenticate with the new password;</li>
 *   <li>the new password is stored (the Secret, mounted into the pods as the file their start script, probes
 *       and Sentinel scripts read at each use): a pod restarted from now on runs with it, and every server
 *       accepts it. The store returns only once every pod can read it ({@code RedisDeployment.storePassword}
 *       waits the kubelets' refresh bound), since the next step makes the old password fail;</li>
 *   <li>the servers, found again (one restarted meanwhile, a replica added), accept the new password only
 *       ({@code ACL SETUSER default >new <old}; steps 1–2 repeated for them).</li>
 * </ol>
 * Redis keeps connections authenticated before a password is removed, so no client command fails. A failure
 * before step 3 leaves everything on the old password (some servers also accept the new one); a failed store
 * switches the {@link RotatingPassword} back.
 */
final class PasswordRotation {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordRotation.class);

    /** One server to rotate: where it is, how to reach it with a given password, and whether it is a Sentinel. */
    record Server(Address address, Function<String, RedisURI> uri, boolean sentinel) {
    }

    private final RedisClient client;
    private final RotatingPassword password;
    private final java.util.function.BiFunction<String, String, List<Server>> servers;
    private final String setName;

    /**
     * @param servers finds every server to rotate now (asked before and again after the switch), given the
     *                password to try first and the other one
     * @param setName the name Sentinels monitor the set under, {@code null} without Sentinels
     */
    PasswordRotation(RedisClient client, RotatingPassword password,
                     java.util.function.BiFunction<String, String, List<Server>> servers, String setName) {
        this.client = Objects.requireNonNull(client, "client");
        this.password = password;
        this.servers = servers;
        this.setName = setName;
    }

    /** Runs the rotation to {@code next}; {@code store} makes it the password pods start with. */
    void rotate(String next, Consumer<String> store) {
        String old = password.current();
        if (old.equals(next)) {
            throw new IllegalArgumentException("newPassword must differ from the current one, was the same: "
                    + "generate a new one (e.g. RedisKubeConnections.rotatePassword without a password)");
        }
        List<Server> first = servers.apply(old, next);
        onEvery(first, old, next, (commands, server) -> accept(commands, server, next, null));
        onEvery(first, old, next, (commands, server) -> follow(commands, server, next));
        password.set(next);
        try {
            store.accept(next);
        } catch (RuntimeException e) {
            password.set(old);
            throw new RedisException("password rotation stopped before the old password was retired: storing the"
                    + " new one failed (" + RedisKubeConnections.describe(e) + "); every server accepts both, clients"
                    + " use the old one again. Fix the cause and rotate again", e);
        }
        List<Server> last = servers.apply(next, old);
        onEvery(last, next, old, (commands, server) -> {
            accept(commands, server, next, old);
            follow(commands, server, next);
        });
        LOG.info("redis-kube: password rotated on {} servers and Sentinels", last.size());
    }

    /** Adds {@code next} to the default user's passwords and, when {@code retired} is given, removes it. */
    private static void accept(RedisCommands<String, String> commands, Server server, String next, String retired) {
        acl(commands, "on", ">" + next);
        if (retired != null) {
            try {
                acl(commands, "<" + retired);
            } catch (RedisCommandExecutionException e) {
                // a server started after the store knows only the new password: nothing to retire
                if (!String.valueOf(e.getMessage()).contains("does not exist")) {
                    throw e;
                }
            }
        }
    }

    /** Points the server's own outgoing links (replication, Sentinel to Redis and to Sentinel) at {@code next}. */
    private void follow(RedisCommands<String, String> commands, Server server, String next) {
        if (!server.sentinel()) {
            commands.configSet("masterauth", next);
            return;
        }
        sentinel(commands, "CONFIG", "SET", "sentinel-pass", next);
        sentinel(commands, "SET", setName, "auth-pass", next);
    }

    private static void acl(RedisCommands<String, String> commands, String... rules) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add("default");
        for (String rule : rules) {
            args.add(rule);
        }
        commands.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args);
    }

    private static void sentinel(RedisCommands<String, String> commands, String... words) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String word : words) {
            args.add(word);
        }
        commands.dispatch(CommandType.SENTINEL, new StatusOutput<>(StringCodec.UTF8), args);
    }

    /**
     * Runs a step on every server, authenticating with {@code first} or else {@code second}.
     *
     * @throws RedisException naming every server the step failed on, after trying all
     */
    private void onEvery(List<Server> targets, String first, String second,
                         BiConsumer<RedisCommands<String, String>, Server> step) {
        Map<Address, String> failures = new LinkedHashMap<>();
        for (Server server : targets) {
            try (StatefulRedisConnection<String, String> connection = connect(server, first, second)) {
                step.accept(connection.sync(), server);
            } catch (RuntimeException e) {
                failures.put(server.address(), RedisKubeConnections.describe(e));
            }
        }
        if (!failures.isEmpty()) {
            throw new RedisException("password rotation failed on " + failures + (password.current().equals(first)
                    ? "; nothing switched: every server still accepts the old password (those done so far also the"
                    + " new one). Fix the cause and rotate again"
                    : "; the new password is in force and stored, but these servers may still accept the old one"));
        }
    }

    private StatefulRedisConnection<String, String> connect(Server server, String first, String second) {
        return connect(client, server.uri(), first, second);
    }

    /** @return a connection authenticated with {@code first}, or with {@code second} when the server refuses it */
    static StatefulRedisConnection<String, String> connect(RedisClient client, Function<String, RedisURI> uri,
                                                            String first, String second) {
        try {
            return client.connect(StringCodec.UTF8, uri.apply(first));
        } catch (RedisException e) {
            if (second == null || !wrongPassword(e)) {
                throw e;
            }
            return client.connect(StringCodec.UTF8, uri.apply(second));
        }
    }

    private static boolean wrongPassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("WRONGPASS") || message.contains("NOAUTH"))) {
                return true;
            }
        }
        return false;
    }

    /** @return the master, the listed replicas and the replicas the master reports, once each */
    static List<Server> servers(RedisClient client, RedisEndpoints endpoints, String current, String other) {
        List<Address> addresses = new ArrayList<>();
        addresses.add(endpoints.master());
        addresses.addAll(endpoints.replicas());
        try (StatefulRedisConnection<String, String> master =
                     connect(client, p -> endpoints.uri(endpoints.master(), p), current, other)) {
            addresses.addAll(ReplicationInfo.parse(master.sync().info("replication")).onlineReplicas());
        } catch (RedisException e) {
            LOG.debug("redis-kube: cannot ask {} for its replicas: {}", endpoints.master(), e.toString());
        }
        List<Server> servers = new ArrayList<>();
        addresses.stream().distinct().forEach(a -> servers.add(new Server(a, p -> endpoints.uri(a, p), false)));
        return servers;
    }

    /**
     * @return every Sentinel, and the master and replicas any of them names, once each
     * @throws RedisException when no Sentinel names a master
     */
    static List<Server> servers(RedisClient client, RedisSentinels sentinels, String current, String other) {
        List<Server> servers = new ArrayList<>();
        List<Address> redis = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Address sentinel : sentinels.sentinels()) {
            RedisEndpoints own = sentinels.endpoints(sentinel);
            servers.add(new Server(sentinel, p -> own.uri(sentinel, p), true));
            try (StatefulRedisConnection<String, String> connection =
                         connect(client, p -> own.uri(sentinel, p), current, other)) {
                RedisCommands<String, String> commands = connection.sync();
                List<Object> master = commands.dispatch(CommandType.SENTINEL,
                        new io.lettuce.core.output.ArrayOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("GET-MASTER-ADDR-BY-NAME").add(sentinels.masterName()));
                if (master != null && master.size() == 2) {
                    redis.add(new Address(String.valueOf(master.get(0)), Integer.parseInt(String.valueOf(master.get(1)))));
                }
                List<Object> replicas = commands.dispatch(CommandType.SENTINEL,
                        new io.lettuce.core.output.ArrayOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("REPLICAS").add(sentinels.masterName()));
                for (Object replica : replicas) {
                    Map<String, String> fields = pairs((List<?>) replica);
                    if (fields.containsKey("ip") && fields.containsKey("port")) {
                        redis.add(new Address(fields.get("ip"), Integer.parseInt(fields.get("port"))));
                    }
                }
            } catch (RuntimeException e) {
                failures.add(sentinel + ": " + RedisKubeConnections.describe(e));
            }
        }
        if (redis.isEmpty()) {
            throw new RedisException("password rotation found no master: no Sentinel names one for "
                    + sentinels.masterName() + " (" + String.join("; ", failures) + "); nothing changed");
        }
        redis.stream().distinct().forEach(a -> {
            RedisEndpoints endpoints = sentinels.endpoints(a);
            servers.add(new Server(a, p -> endpoints.uri(a, p), false));
        });
        return servers;
    }

    private static Map<String, String> pairs(List<?> flat) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        return fields;
    }
}
