package io.github.rediskube.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every failure of redis-kube against a cluster: which object (kind, namespace, name), why (a
 * {@link Reason}), the API server's own message, and which objects were already applied when a
 * deploy failed part-way (running the deploy again converges).
 */
public class RedisKubeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** The caller's service account lacks a permission; the message names the verb and resource. */
        FORBIDDEN,
        /** Someone else changed or owns the object (optimistic lock or server-side apply field conflict). */
        CONFLICT,
        /** The API server refused the object as invalid. */
        INVALID,
        /** A ResourceQuota or LimitRange of the namespace refused the object. */
        QUOTA_EXCEEDED,
        /** The namespace does not exist. */
        NAMESPACE_MISSING,
        /** An object the operation needs does not exist. */
        NOT_FOUND,
        /** Pods did not become ready, or objects did not go away, in time. */
        TIMEOUT,
        /** The request was refused as a bad call of this library (e.g. shrinking a volume). */
        REFUSED,
        /**
         * The API server did not answer (connection refused, unknown host, timeout): the client points at a cluster
         * that is down or not reachable from here; the message names the client's master URL.
         */
        UNREACHABLE,
        /** Anything else; see the cause. */
        OTHER
    }

    /** Why the operation failed. */
    private final Reason reason;
    /** The kind of the object concerned, or {@code null}. */
    private final @Nullable String kind;
    /** The namespace. */
    private final String namespace;
    /** The name of the object concerned, or {@code null}. */
    private final @Nullable String name;
    /** The API server's message, or {@code null}. */
    private final @Nullable String apiMessage;
    /** The objects applied before a deploy failed, as {@code Kind/name}, in order. */
    private final List<String> applied;

    /**
     * @param reason     why
     * @param kind       the object's kind, or {@code null}
     * @param namespace  the namespace
     * @param name       the object's name, or {@code null}
     * @param message    what happened and how to fix it
     * @param apiMessage the API server's message, or {@code null}
     * @param applied    objects applied before the failure, as {@code Kind/name}
     * @param cause      the underlying exception, or {@code null}
     */
    public RedisKubeException(Reason reason, @Nullable String kind, String namespace, @Nullable String name,
                              String message, @Nullable String apiMessage, List<String> applied,
                              @Nullable Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.kind = kind;
        this.namespace = namespace;
        this.name = name;
        this.apiMessage = apiMessage;
        this.applied = List.copyOf(applied);
    }

    /** @return why the operation failed */
    public Reason reason() {
        return reason;
    }

    /** @return the kind of the object concerned, or {@code null} */
    public @Nullable String kind() {
        return kind;
    }

    /** @return the namespace */
    public String namespace() {
        return namespace;
    }

    /** @return the name of the object concerned, or {@code null} */
    public @Nullable String name() {
        return name;
    }

    /** @return the API server's message, or {@code null} */
    public @Nullable String apiMessage() {
        return apiMessage;
    }

    /** @return the objects applied before a deploy failed, as {@code Kind/name}, in order */
    public List<String> applied() {
        return applied;
    }
}
