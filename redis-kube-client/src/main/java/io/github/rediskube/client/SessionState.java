package io.github.rediskube.client;

import io.lettuce.core.RedisException;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the server side of a split connection holds between commands, so that {@link RoutingWriter} keeps
 * the commands that depend on it on the master:
 * <ul>
 *   <li>an open transaction, from MULTI to EXEC/DISCARD;</li>
 *   <li>watched keys, from WATCH to EXEC/DISCARD/UNWATCH (a read of a watched key on a lagging replica
 *       would defeat the optimistic lock);</li>
 *   <li>which master took the writes since the last WAIT: WAIT counts the replicas that hold this
 *       connection's writes <em>on the server it is sent to</em>, so after a master switch it would vouch
 *       at once for writes the new master never saw. A command counts once it was handed to the master's
 *       connection without failing there: one rejected because that connection is down (Lettuce's
 *       {@code REJECT_COMMANDS}) never reached a server, and one that failed has told its caller so, so
 *       WAIT has nothing to vouch for in either. A command still pending counts (it may reach the old
 *       master when its connection comes back).</li>
 * </ul>
 * MULTI and WATCH open their state when dispatched (the commands that follow them may be dispatched before
 * their reply) and close it again when they fail or are cancelled, e.g. rejected while the master is down.
 */
final class SessionState {

    private final AtomicReference<Object> transaction = new AtomicReference<>();
    private final AtomicReference<Object> watch = new AtomicReference<>();
    /** The master that took the first write since the last WAIT, or null when none did. */
    private final AtomicReference<Node> writtenTo = new AtomicReference<>();

    /** @return whether commands must go to the master whatever they are (a transaction or WATCH is open) */
    boolean pinnedToMaster() {
        return transaction.get() != null || watch.get() != null;
    }

    /** @return whether a transaction is open (from MULTI to EXEC/DISCARD, or until MULTI fails) */
    boolean inTransaction() {
        return transaction.get() != null;
    }

    /** Notes what {@code command} opens or closes; call before dispatching it. */
    void track(RedisCommand<?, ?, ?> command) {
        ProtocolKeyword type = command.getType();
        if (type == CommandType.MULTI) {
            open(transaction, command);
        } else if (type == CommandType.WATCH) {
            open(watch, command);
        } else if (type == CommandType.EXEC || type == CommandType.DISCARD) {
            // whatever their outcome: sent, the server ends the transaction and unwatches; not sent, the
            // server connection that held the state is gone (that is why they were rejected)
            transaction.set(null);
            watch.set(null);
        } else if (type == CommandType.UNWATCH) {
            watch.set(null);
        }
    }

    /**
     * Opens {@code state} unless it is open already (a nested MULTI or a second WATCH failing does not
     * close what the first opened), and closes it again if this command fails or is cancelled.
     */
    private static void open(AtomicReference<Object> state, RedisCommand<?, ?, ?> command) {
        Object token = new Object();
        if (!state.compareAndSet(null, token)) {
            return;
        }
        if (command instanceof CompleteableCommand<?> completeable) {
            completeable.onComplete((Object reply, Throwable error) -> {
                if (error != null || !"OK".equals(String.valueOf(reply))) {
                    state.compareAndSet(token, null);
                }
            });
        }
    }

    /**
     * Notes that a command other than WAIT was dispatched to {@code master}; call after dispatching it.
     * A command that has already failed (rejected while disconnected, or refused) is not counted.
     */
    void wrote(Node master, RedisCommand<?, ?, ?> command) {
        if (writtenTo.get() == null && !failed(command)) {
            writtenTo.compareAndSet(null, master);
        }
    }

    /** @return whether the command has completed with an error (a reply can only be an error or a value) */
    static boolean failed(RedisCommand<?, ?, ?> command) {
        if (command instanceof CompletableFuture<?> future) {
            return future.isCompletedExceptionally();
        }
        return command.isDone() && (command.isCancelled()
                || command.getOutput() != null && command.getOutput().hasError());
    }

    /**
     * Checks that a WAIT about to go to {@code master} covers every write since the previous WAIT, and
     * starts counting afresh (a WAIT refused here has told the caller that those writes are not vouched for).
     *
     * @throws RedisException when a write since the previous WAIT went to another master
     */
    void checkWait(Node master) {
        Node earlier = writtenTo.getAndSet(null);
        if (earlier != null && earlier != master) {
            throw new RedisException("the master changed since the last write (" + earlier.address() + " → "
                    + master.address() + "); WAIT cannot vouch for it: write again");
        }
    }
}
