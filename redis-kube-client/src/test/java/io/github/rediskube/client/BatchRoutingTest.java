package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane: a batch routes command by command exactly as the same commands sent one at a time, whether
 * they are sent one by one, pipelined ({@code setAutoFlushCommands(false)} … {@code flushCommands()}) or as
 * one {@code dispatch(Collection)}: reads to the replicas, writes and a whole MULTI…EXEC to the master, SELECT
 * refused. A master and two replicas of real redis-server; where each command ran is read from the servers'
 * own {@code INFO commandstats}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BatchRoutingTest {

    private static final StringCodec CODEC = StringCodec.UTF8;

    /** What each command of {@link #script()} answers, the same however the script is sent. */
    private static final List<String> ANSWERS = List.of("v", "v", "v", "v", "OK",
            "refused: " + RoutingWriter.SELECT_REJECTED, "OK", "OK", "1", "[OK, 1]", "v", "v");

    /** Where the script's commands ran, the same however it is sent. */
    private static final Map<String, Long> WHERE = where(1, 2, 1, 1, 0, 6, 0);

    @TempDir
    Path tempDir;

    @RegisterExtension
    final TestClients clients = TestClients.reconnectingEvery(Duration.ofMillis(200));

    @Test
    void routesABatchCommandByCommandLikeSingleCommandsWithSelectRefusedAndATransactionOnTheMaster() {
        try (RedisTopology redis = ServerChecks.started(client(), ServerChecks.TWO_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(client(),
                     CODEC, SplitConnectionTest.endpoints(redis), ReadFrom.REPLICA)) {
            ServerChecks.awaitTrue(() -> ServerChecks.writer(connection).topology().replicas().size() == 2,
                    "both replicas connected");
            connection.sync().set("k", "v");
            assertThat(connection.sync().waitForReplication(2, 10_000)).as("replicas holding k").isEqualTo(2);

            ServerChecks.resetStats(client(), ServerChecks.nodes(redis));
            List<AsyncCommand<String, String, Object>> single = script();
            boolean inTransaction = false;
            for (AsyncCommand<String, String, Object> command : single) {
                connection.dispatch(command);
                inTransaction = command.getType() == CommandType.MULTI
                        || inTransaction && command.getType() != CommandType.EXEC;
                if (!inTransaction) {
                    answer(command); // one at a time: the next is sent once this one is answered
                }
            }
            assertThat(answers(single)).as("answers to single commands").isEqualTo(ANSWERS);
            assertThat(where(redis)).as("where single commands ran").isEqualTo(WHERE);

            ServerChecks.resetStats(client(), ServerChecks.nodes(redis));
            List<AsyncCommand<String, String, Object>> pipelined = script();
            connection.setAutoFlushCommands(false);
            try {
                pipelined.forEach(connection::dispatch);
                connection.flushCommands();
            } finally {
                connection.setAutoFlushCommands(true);
            }
            assertThat(answers(pipelined)).as("answers to pipelined commands").isEqualTo(ANSWERS);
            assertThat(where(redis)).as("where pipelined commands ran").isEqualTo(WHERE);

            ServerChecks.resetStats(client(), ServerChecks.nodes(redis));
            List<AsyncCommand<String, String, Object>> batch = script();
            connection.dispatch(new ArrayList<RedisCommand<String, String, ?>>(batch));
            assertThat(answers(batch)).as("answers to one batch").isEqualTo(ANSWERS);
            assertThat(where(redis)).as("where the commands of one batch ran").isEqualTo(WHERE);
        }
    }

    @Test
    void completesTheQueuedCommandsOfAReactiveTransactionAtExec() throws Exception {
        try (RedisTopology redis = ServerChecks.started(client(), ServerChecks.TWO_REPLICAS, tempDir);
             StatefulRedisMasterReplicaConnection<String, String> connection = RedisKubeConnections.connect(client(),
                     CODEC, SplitConnectionTest.endpoints(redis), ReadFrom.REPLICA)) {
            RedisReactiveCommands<String, String> reactive = connection.reactive();
            assertThat(reactive.multi().block(Duration.ofSeconds(10))).isEqualTo("OK");
            CompletableFuture<String> set = reactive.set("tx", "1").toFuture();
            CompletableFuture<String> get = reactive.get("tx").toFuture();
            TransactionResult result = reactive.exec().block(Duration.ofSeconds(10));

            assertThat(result.stream().toList()).containsExactly("OK", "1");
            assertThat(set.get(10, TimeUnit.SECONDS)).as("the queued SET's own answer").isEqualTo("OK");
            assertThat(get.get(10, TimeUnit.SECONDS)).as("the queued GET's own answer").isEqualTo("1");
            assertThat(connection.isMulti()).as("a transaction still open after EXEC").isFalse();
        }
    }

    /**
     * Four reads, a write, SELECT, a transaction with a read in it, two reads after it (12 commands: see
     * {@link #ANSWERS} and {@link #WHERE}).
     */
    private static List<AsyncCommand<String, String, Object>> script() {
        List<AsyncCommand<String, String, Object>> script = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            script.add(get("k"));
        }
        script.add(status(CommandType.SET, new CommandArgs<>(CODEC).addKey("k2").addValue("v2")));
        script.add(status(CommandType.SELECT, new CommandArgs<>(CODEC).add(1)));
        script.add(status(CommandType.MULTI, null));
        script.add(status(CommandType.SET, new CommandArgs<>(CODEC).addKey("tx").addValue("1")));
        script.add(get("tx"));
        script.add(new AsyncCommand<>(new Command<>(CommandType.EXEC, null))); // its output is the transaction's
        script.add(get("k"));
        script.add(get("k"));
        return script;
    }

    @SuppressWarnings("unchecked")
    private static AsyncCommand<String, String, Object> get(String key) {
        return new AsyncCommand<>((Command<String, String, Object>) (Command<String, String, ?>)
                new Command<>(CommandType.GET, new ValueOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key)));
    }

    @SuppressWarnings("unchecked")
    private static AsyncCommand<String, String, Object> status(CommandType type, CommandArgs<String, String> args) {
        return new AsyncCommand<>((Command<String, String, Object>) (Command<String, String, ?>)
                new Command<>(type, new StatusOutput<>(CODEC), args));
    }

    private static List<String> answers(List<AsyncCommand<String, String, Object>> commands) {
        return commands.stream().map(BatchRoutingTest::answer).toList();
    }

    /** @return the command's answer ({@code [..]} for a transaction), or {@code refused: <message>} */
    private static String answer(AsyncCommand<String, String, Object> command) {
        try {
            Object value = command.get(10, TimeUnit.SECONDS);
            return value instanceof TransactionResult result ? result.stream().toList().toString()
                    : String.valueOf(value);
        } catch (ExecutionException e) {
            return "refused: " + e.getCause().getMessage();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer to " + command, e);
        }
    }

    private Map<String, Long> where(RedisTopology redis) {
        RedisNode master = redis.master();
        return where(calls(List.of(master), "get"), calls(List.of(master), "set"), calls(List.of(master), "multi"),
                calls(List.of(master), "exec"), calls(List.of(master), "select"), calls(redis.replicas(), "get"),
                calls(redis.replicas(), "select"));
    }

    private static Map<String, Long> where(long masterGets, long masterSets, long masterMultis, long masterExecs,
            long masterSelects, long replicaGets, long replicaSelects) {
        Map<String, Long> where = new LinkedHashMap<>();
        where.put("GETs on the master", masterGets);
        where.put("SETs on the master", masterSets);
        where.put("MULTIs on the master", masterMultis);
        where.put("EXECs on the master", masterExecs);
        where.put("SELECTs on the master", masterSelects);
        where.put("GETs on the replicas", replicaGets);
        where.put("SELECTs on the replicas", replicaSelects);
        return where;
    }

    private RedisClient client() {
        return clients.client();
    }

    private long calls(List<RedisNode> nodes, String command) {
        return nodes.stream().mapToLong(n -> n.commandCalls(client(), command)).sum();
    }
}
