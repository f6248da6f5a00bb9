package dev.minutes.sync;

/**
 * How this node presents itself in the protocol.
 *
 * @param peerId this node's peer id (unique per node process)
 * @param storageId the id of the shared store, the same on every node of one Redis, so a client's
 *     "saved on the server" check holds whichever node it is connected to
 */
public record ServerIdentity(String peerId, String storageId) {}
