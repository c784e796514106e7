using System.Text.Json.Serialization;

namespace Fdt.Protocol.Control;

/// <summary>What a tunnel carries.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TunnelProtocol>))]
public enum TunnelProtocol
{
    /// <summary>HTTP(S) routed by host name.</summary>
    [JsonStringEnumMemberName("http")]
    Http = 1,

    /// <summary>Raw TCP on a public port.</summary>
    [JsonStringEnumMemberName("tcp")]
    Tcp = 2,

    /// <summary>TLS passed through unterminated, routed by SNI.</summary>
    [JsonStringEnumMemberName("tls")]
    Tls = 3,
}
