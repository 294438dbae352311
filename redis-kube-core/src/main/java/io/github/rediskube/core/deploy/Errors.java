package io.github.rediskube.core.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.RedisKubeException.Reason;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.List;
import java.util.Locale;

/** Turns the API server's refusals into {@link RedisKubeException}s that say what to do. */
final class Errors {

    private Errors() {
    }

    /** As {@link #of(KubernetesClient, String, String, String, String, KubernetesClientException, List)}. */
    static RedisKubeException of(KubernetesClient client, String action, HasMetadata object, String namespace,
                                 KubernetesClientException e, List<String> applied) {
        return of(client, action, object == null ? null : object.getKind(), namespace,
                object == null ? null : object.getMetadata().getName(), e, applied);
    }

    /**
     * The API server's refusal (or silence) as a {@link RedisKubeException}; an unreachable API server is named by
     * the client's master URL.
     *
     * @param client the client that made the call, or {@code null} (an unreachable server is then named by the
     *               cause's words only)
     * @param kind the kind of the object being worked on, or {@code null}
     * @param name its name (or the instance name, for objects selected by label), or {@code null}
     */
    static RedisKubeException of(KubernetesClient client, String action, String kind, String namespace, String name,
                                 KubernetesClientException e, List<String> applied) {
        String what = action + " " + (kind == null ? "" : kind + " ") + namespace + (name == null ? "" : "/" + name);
        Throwable noAnswer = e.getCode() > 0 ? null : connectionFailure(e);
        if (noAnswer != null) {
            return unreachable(client, what, kind, namespace, name, noAnswer, e, applied);
        }
        String apiMessage = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        String lower = String.valueOf(apiMessage).toLowerCase(Locale.ROOT);
        Reason reason;
        String advice;
        if (e.getCode() == 403 && lower.contains("exceeded quota")) {
            reason = Reason.QUOTA_EXCEEDED;
            advice = "raise the namespace's ResourceQuota or lower the spec's resources/replicas";
        } else if (e.getCode() == 403) {
            reason = Reason.FORBIDDEN;
            advice = "grant the caller's service account this verb on this resource (README: RBAC)";
        } else if (e.getCode() == 404 && lower.contains("namespace")) {
            reason = Reason.NAMESPACE_MISSING;
            advice = "create namespace " + namespace + " or deploy with DeployOptions.withCreateNamespace(true)";
        } else if (e.getCode() == 404) {
            reason = Reason.NOT_FOUND;
            advice = "check that the object exists";
        } else if (e.getCode() == 409) {
            reason = Reason.CONFLICT;
            advice = "another writer changed or owns these fields; retry, or use DeployOptions.withForceConflicts(true)"
                    + " to take them over";
        } else if (e.getCode() == 422) {
            reason = Reason.INVALID;
            advice = "the API server refused the object; see its message";
        } else {
            reason = Reason.OTHER;
            advice = "see the cause";
        }
        String message = what + " failed (" + reason + ", HTTP " + e.getCode() + "): " + apiMessage + ". Fix: "
                + advice + "." + appliedBefore(applied);
        return new RedisKubeException(reason, kind, namespace, name, message, apiMessage, applied, e);
    }

    /** No answer at all: names the server the client points at, and how to point it elsewhere. */
    private static RedisKubeException unreachable(KubernetesClient client, String what, String kind, String namespace,
                                                  String name, Throwable noAnswer, KubernetesClientException e,
                                                  List<String> applied) {
        String server = "the Kubernetes API server" + (client == null ? "" : " at " + client.getMasterUrl());
        String why = describe(noAnswer);
        String message = what + " failed (" + Reason.UNREACHABLE + "): cannot reach " + server + " (" + why
                + "). Fix: check that the cluster is running and reachable from here, or point the client at another"
                + " one: a KubernetesClient takes its master URL from its Config, by default from the current context"
                + " of $KUBECONFIG or ~/.kube/config (kubectl config use-context <name>); redis-kube's tests and JUnit"
                + " extension take -Drediskube.kubeconfig=<file>|current." + appliedBefore(applied);
        return new RedisKubeException(Reason.UNREACHABLE, kind, namespace, name, message, null, applied, e);
    }

    /**
     * The first message in the chain of a failure to connect; the JDK HTTP client's {@code ConnectException}
     * has none, so its kind says what happened.
     */
    private static String describe(Throwable noAnswer) {
        for (Throwable t = noAnswer; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        String kind = noAnswer.getClass().getSimpleName();
        if (noAnswer instanceof ConnectException) {
            return "Connection refused (" + kind + ")";
        }
        if (noAnswer instanceof UnknownHostException) {
            return "unknown host (" + kind + ")";
        }
        return "no answer in time (" + kind + ")";
    }

    private static String appliedBefore(List<String> applied) {
        return applied.isEmpty() ? "" : " Applied before the failure: " + applied + "; deploying again converges.";
    }

    /**
     * @return the failure to connect in the chain of {@code e} (refused, unknown host, no route, timeout), or
     *         {@code null} when the server answered or failed otherwise
     */
    private static Throwable connectionFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof HttpConnectTimeoutException) {
                return t;
            }
        }
        return null;
    }

    /**
     * Refuses a {@code null} argument of a public entry point before any API call, in the words of the spec's
     * checks: {@code "<parameter> is required, was null: <fix>"}.
     *
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is {@code null}
     */
    static <T> T requireArgument(T value, String parameter, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + " is required, was null: " + fix);
        }
        return value;
    }

    /** A failure that is not the API server's answer (interrupted, an informer that died, ...). */
    static RedisKubeException unexpected(Instance instance, String action, Throwable cause) {
        if (cause instanceof KubernetesClientException e) {
            return of(instance.client(), action, null, instance.namespace(), instance.name(), e, List.of());
        }
        return new RedisKubeException(Reason.OTHER, null, instance.namespace(), instance.name(),
                action + " " + instance + " failed: " + cause, null, List.of(), cause);
    }

    /** A call this library refuses (shrinking a volume, ...); the message says why and what to do. */
    static RedisKubeException refused(Instance instance, String message) {
        return new RedisKubeException(Reason.REFUSED, "StatefulSet", instance.namespace(), instance.name(), message,
                null, List.of(), null);
    }
}
