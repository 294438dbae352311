package io.github.rediskube.client;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.role.RedisInstance.Role;
import io.lettuce.core.models.role.RedisNodeDescription;

/**
 * One server of the set with this connection's link to it, as Lettuce's {@code ReadFrom} sees it.
 *
 * @param address    the address as given or announced (before mapping)
 * @param uri        the URI connected to (after mapping)
 * @param role       master or replica
 * @param connection the connection commands are dispatched on
 */
record Node(RedisEndpoints.Address address, RedisURI uri, Role role, StatefulRedisConnection<?, ?> connection)
        implements RedisNodeDescription {

    @Override
    public RedisURI getUri() {
        return uri;
    }

    @Override
    public Role getRole() {
        return role;
    }

    /** @return whether commands dispatched now reach the server */
    boolean open() {
        return connection.isOpen();
    }

    @Override
    public String toString() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " " + address
                + (address.host().equals(uri.getHost()) && address.port() == uri.getPort() ? ""
                        : " via " + uri.getHost() + ":" + uri.getPort())
                + (open() ? "" : " (disconnected)");
    }
}
