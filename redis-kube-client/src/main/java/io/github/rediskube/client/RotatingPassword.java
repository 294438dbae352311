package io.github.rediskube.client;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import java.util.Objects;

/**
 * A password that a {@link RedisKubeConnections#rotatePassword rotation} can change under running
 * connections: Lettuce asks it (as a {@code RedisCredentialsProvider}) on every connect and reconnect, so connections opened after a rotation (a
 * reconnect, a replica that joins later, a new master after failover) authenticate with the new password,
 * while connections already authenticated stay as they are (Redis keeps them).
 *
 * <pre>{@code
 * RotatingPassword password = RotatingPassword.of(deployment.password());
 * RedisEndpoints endpoints = RedisEndpoints.of(deployment).toBuilder().credentials(password).build();
 * var redis = RedisKubeConnections.connect(redisClient, endpoints);
 * RedisKubeConnections.rotatePassword(redisClient, endpoints, newPassword, deployment::storePassword);
 * }</pre>
 *
 * <p>The password is never printed. It authenticates the {@code default} user (Redis' {@code requirepass}).
 */
public final class RotatingPassword {

    private volatile String current;
    /** Lettuce's view: asked at every connect and reconnect. */
    private final RedisCredentialsProvider provider = RedisCredentialsProvider.from(() -> RedisCredentials.just(null, current));

    private RotatingPassword(String password) {
        this.current = password;
    }

    /**
     * @param password the password the servers accept now
     * @return a rotating password starting with it
     * @throws IllegalArgumentException when it is null or empty
     */
    public static RotatingPassword of(String password) {
        return new RotatingPassword(checked(password, "password"));
    }

    static String checked(String password, String field) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty, was " + (password == null ? "null" : "\"\"")
                    + ": give the password the servers run with (the deployment's Secret holds it)");
        }
        return password;
    }

    /** @return the Lettuce credentials provider that answers with the current password */
    RedisCredentialsProvider provider() {
        return provider;
    }

    /** @return the password new connections authenticate with */
    String current() {
        return current;
    }

    /** Makes new connections authenticate with {@code password}. */
    void set(String password) {
        this.current = Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RotatingPassword[<hidden>]";
    }
}
