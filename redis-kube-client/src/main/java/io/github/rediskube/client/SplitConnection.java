package io.github.rediskube.client;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Lettuce's stateful connection (sync, async, reactive APIs, transactions, codecs) over a
 * {@link RoutingWriter}: every command it dispatches is handed to the master's or a replica's connection.
 */
final class SplitConnection<K, V> extends StatefulRedisConnectionImpl<K, V>
        implements StatefulRedisMasterReplicaConnection<K, V> {

    private final RoutingWriter writer;

    SplitConnection(RoutingWriter writer, RedisCodec<K, V> codec, Duration timeout, Supplier<JsonParser> json) {
        super(writer, NoPushHandler.INSTANCE, codec, timeout, json);
        this.writer = writer;
    }

    /**
     * Leaves a transaction to the master's connection, which gets it whole ({@link RoutingWriter}): that
     * connection wraps each queued command and gives EXEC the transaction's output. Wrapped here as well, a
     * queued command would wait for a second EXEC reply that never comes, and its future would never
     * complete (the sync API, which does not wait on queued commands, would not show it).
     */
    @Override
    protected <T> RedisCommand<K, V, T> preProcessCommand(RedisCommand<K, V, T> command) {
        ProtocolKeyword type = command.getType();
        if (type == CommandType.MULTI || type == CommandType.EXEC || type == CommandType.DISCARD
                || writer.inTransaction()) {
            return command;
        }
        return super.preProcessCommand(command);
    }

    /** @return whether a transaction is open, as the sync API asks before it waits on a command */
    @Override
    public boolean isMulti() {
        return writer.inTransaction();
    }

    @Override
    public void setReadFrom(ReadFrom readFrom) {
        writer.readFrom(readFrom);
    }

    @Override
    public ReadFrom getReadFrom() {
        return writer.readFrom();
    }

    @Override
    public String toString() {
        return "redis-kube split connection " + writer;
    }
}
