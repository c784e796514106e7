namespace Fdt.Protocol.Control;

/// <summary>A well-formed message of a kind this build does not know; receivers skip it.</summary>
public sealed record UnknownControlMessage(string Type) : ControlMessage;
