package io.github.rediskube.examples;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.junit.KubernetesClusters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What every example main shares: its command line, and where it runs — the current kubeconfig
 * context when a cluster is reachable, else a K3s container when Docker is there, else a dry run that
 * prints what it would apply and how to point it at a cluster.
 */
abstract class Example {

    /** Exit code of a run that did its job (also a dry run without a cluster). */
    static final int OK = 0;
    /** Exit code of a real failure (a cluster refused, pods never became ready, ...). */
    static final int FAILED = 1;
    /** Exit code of a bad command line. */
    static final int USAGE = 2;

    final PrintStream out;
    final PrintStream err;

    Example(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return the usage text, first line included */
    abstract String usage();

    /**
     * Parses one option (and its value from {@code args}); returns false when it is not one of this example's.
     * The default: an example without options of its own.
     */
    boolean option(String name, Args args) {
        return false;
    }

    /** Prints (or writes) what the example would apply. */
    abstract void dryRun() throws Exception;

    /** Runs the example against a live cluster. */
    abstract void live(KubernetesClusters.Cluster cluster) throws Exception;

    /**
     * Checks what the options make (e.g. builds the spec) before anything runs, so a bad combination of
     * flags is a usage error; the default checks nothing.
     *
     * @throws IllegalArgumentException saying which value is wrong and what is accepted
     */
    void check() {
    }

    /** @return whether the options ask for output only (e.g. files to write), so no cluster is looked for */
    boolean offline() {
        return false;
    }

    boolean keep;
    private boolean dryRun;

    final int run(List<String> arguments) {
        Args args = new Args(arguments);
        try {
            while (args.hasNext()) {
                String name = args.next();
                switch (name) {
                    case "--help", "-h" -> {
                        out.println(usage());
                        out.println("  --dry-run     only print what would be applied");
                        out.println("  --keep        leave the deployment running afterwards");
                        return OK;
                    }
                    case "--keep" -> keep = true;
                    case "--dry-run" -> dryRun = true;
                    default -> {
                        if (!option(name, args)) {
                            err.println("unknown option " + name + "; try --help");
                            return USAGE;
                        }
                    }
                }
            }
            check();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "; try --help");   // only the command line can be wrong here
            return USAGE;
        }
        try {
            if (dryRun || offline()) {
                dryRun();
                return OK;
            }
            Optional<KubernetesClusters.Cluster> cluster = KubernetesClusters.find();
            if (cluster.isEmpty()) {
                dryRun();
                out.println("# Dry run: " + KubernetesClusters.HOW_TO_PROVIDE + ".");
                out.println("# The manifests above are what would be applied; with kubectl: kubectl apply -f <file>.");
                return OK;
            }
            try (KubernetesClusters.Cluster c = cluster.get()) {
                out.println("# Running on " + c.description());
                live(c);
            }
            return OK;
        } catch (Exception e) {   // the command line was checked above: whatever fails now is a real failure
            err.println("failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return FAILED;
        }
    }

    /**
     * Deploys {@code spec} (creating its namespace when missing) and runs {@code work} on it. Afterwards,
     * also when deploying or the work failed, it deletes the deployment (a partial one too) and the
     * namespace if this run created it, never a namespace that was there before; with {@code --keep} it
     * says how to reach what is left instead.
     */
    final void deployAndRun(KubernetesClusters.Cluster cluster, RedisReplicationSpec spec, Work work)
            throws Exception {
        KubernetesClient kubernetes = cluster.client();
        String namespace = spec.namespace();
        boolean createsNamespace = kubernetes.namespaces().withName(namespace).get() == null;
        RedisDeployment deployment = null;
        try {
            deployment = RedisKube.deploy(kubernetes, spec, deployOptions().withCreateNamespace(true));
            work.run(deployment);
        } catch (Exception e) {
            finish(cluster, spec, deployment, createsNamespace, e);
            throw e;
        }
        finish(cluster, spec, deployment, createsNamespace, null);
    }

    private void finish(KubernetesClusters.Cluster cluster, RedisReplicationSpec spec, RedisDeployment deployment,
                        boolean createdNamespace, Exception pending) {
        if (keep) {
            kept(cluster, spec, createdNamespace);
        } else {
            cleanUp(cluster.client(), spec, deployment, createdNamespace, pending);
        }
    }

    /** @return how {@link #deployAndRun} writes (server-side apply; a test on a mock API server differs) */
    DeployOptions deployOptions() {
        return DeployOptions.DEFAULT;
    }

    /** A live run's work on its deployment. */
    interface Work {
        void run(RedisDeployment deployment) throws Exception;
    }

    /**
     * Deletes the deployment with its volumes (without a handle, after a failed deploy: the objects it
     * applied before failing, never one that was there before, e.g. someone else's of the same name), then the namespace if this run created it; both are attempted. With a
     * {@code pending} failure, clean-up failures are attached to it; without, the first is raised.
     */
    private void cleanUp(KubernetesClient kubernetes, RedisReplicationSpec spec, RedisDeployment deployment,
                         boolean createdNamespace, Exception pending) {
        RuntimeException failure = null;
        try {
            if (deployment != null) {
                deployment.delete(true);
            } else if (!createdNamespace && pending instanceof RedisKubeException refused) {
                // only what the failed deploy applied: never an object of the same name that was there before
                kubernetes.resourceList(RedisKube.manifests(spec).stream().filter(o -> refused.applied()
                        .contains(o.getKind() + "/" + o.getMetadata().getName())).toList()).delete();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        if (createdNamespace) {
            try {
                kubernetes.namespaces().withName(spec.namespace()).delete();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            if (pending == null) {
                throw failure;
            }
            pending.addSuppressed(failure);
            return;
        }
        out.println("deleted " + spec.namespace() + "/" + spec.name()
                + (createdNamespace ? " and the namespace " + spec.namespace() : " (the namespace was there before: kept)"));
    }

    private void kept(KubernetesClusters.Cluster cluster, RedisReplicationSpec spec, boolean createdNamespace) {
        String ns = spec.namespace();
        out.println("kept: kubectl -n " + ns + " get pods -l app.kubernetes.io/instance=" + spec.name()
                + "; delete with " + (createdNamespace ? "kubectl delete namespace " + ns
                : "kubectl -n " + ns + " delete statefulset,service,configmap,secret,poddisruptionbudget,networkpolicy,"
                        + "persistentvolumeclaim -l app.kubernetes.io/instance=" + spec.name()));
        cluster.keepUntilExit().ifPresent(note -> out.println("note: " + note));
    }

    /** The command line, consumed left to right. */
    static final class Args {
        private final List<String> values;
        private int next;

        Args(List<String> values) {
            this.values = new ArrayList<>(values);
        }

        boolean hasNext() {
            return next < values.size();
        }

        String next() {
            return values.get(next++);
        }

        /** @return the value of option {@code name}, or a usage error naming it */
        String value(String name) {
            if (!hasNext()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return next();
        }

        int intValue(String name) {
            String value = value(name);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, was \"" + value + "\"", e);
            }
        }

        /** @return the value of option {@code name}, one of {@code accepted} (any case), or a usage error listing them */
        <E extends Enum<E>> E enumValue(String name, Class<E> type, String accepted) {
            String value = value(name);
            try {
                return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " needs " + accepted + ", was \"" + value + "\"", e);
            }
        }
    }
}
