using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Fdt.Server.Hosting;

/// <summary>The separate metrics port (<c>Server:MetricsPort</c>), once Kestrel has bound it.</summary>
internal sealed class MetricsListener(int? configuredPort)
{
    private ListenOptions? _options;

    /// <summary>The port from configuration (0: a free one); null: metrics are served on the HTTP port.</summary>
    public int? ConfiguredPort => configuredPort;

    /// <summary>
    /// The bound metrics port; null when there is no metrics port, -1 while a free port is not bound
    /// yet (then <c>/metrics</c> is served nowhere).
    /// </summary>
    public int? Port => configuredPort switch
    {
        null => null,
        0 => _options?.IPEndPoint?.Port is > 0 and var bound ? bound : -1,
        var port => port,
    };

    public void Attach(ListenOptions options) => _options = options;
}
