package io.github.rediskube.client;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
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
