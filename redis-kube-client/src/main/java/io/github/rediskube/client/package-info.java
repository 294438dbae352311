/**
 * Read/write-split Lettuce connections to redis-kube deployments: writes to the master, reads to the
 * replicas. The entry point is {@link io.github.rediskube.client.RedisKubeConnections}; where the servers are
 * is a {@link io.github.rediskube.client.RedisEndpoints} (from a spec, or static addresses), or a
 * {@link io.github.rediskube.client.RedisSentinels} to follow failover; both carry one
 * {@link io.github.rediskube.client.ConnectionSettings} (password, timeouts, address mapping);
 * {@link io.github.rediskube.client.ZoneReadFrom} prefers the replicas in the client's zone.
 *
 * <p>How it works: the returned connection is Lettuce's {@code StatefulRedisConnectionImpl} over a routing
 * channel writer that hands each command to the master's or a replica's own Lettuce connection (opened
 * with the caller's {@code RedisClient}). The replica set is an immutable snapshot swapped whenever the
 * master's {@code INFO replication} reports a different set of online replicas.
 *
 * <p>Nullness: everything is non-null unless marked {@code @Nullable} (JSpecify).
 */
@NullMarked
package io.github.rediskube.client;

import org.jspecify.annotations.NullMarked;
