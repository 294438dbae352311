package io.github.rediskube.examples;

import io.github.rediskube.junit.KubernetesClusters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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

    /** Parses one option (and its value from {@code args}); returns false when it is not one of this example's. */
    abstract boolean option(String name, Args args);

    /** Prints (or writes) what the example would apply. */
    abstract void dryRun() throws Exception;

    /** Runs the example against a live cluster. */
    abstract void live(KubernetesClusters.Cluster cluster) throws Exception;

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
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
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
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());   // a spec the options made is invalid: the message says how to fix it
            return USAGE;
        } catch (Exception e) {
            err.println("failed: " + e.getMessage());
            return FAILED;
        }
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
                throw new IllegalArgumentException(name + " needs a value; try --help");
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
    }
}
