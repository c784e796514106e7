namespace Fdt.Protocol.Mux;

/// <summary>Reason carried by a GoAway frame.</summary>
public enum GoAwayCode : uint
{
    /// <summary>Normal termination: no new streams, existing ones may finish.</summary>
    Normal = 0,

    /// <summary>The peer sent something the protocol forbids.</summary>
    ProtocolError = 1,

    /// <summary>The sender failed internally.</summary>
    InternalError = 2,
}
