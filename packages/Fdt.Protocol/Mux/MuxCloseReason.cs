namespace Fdt.Protocol.Mux;

/// <summary>Why a session ended, for logs, metrics and error messages.</summary>
public sealed record MuxCloseReason(MuxCloseKind Kind, string Message, Exception? Exception = null)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
