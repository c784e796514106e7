using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fdt.Cli.Commands.Tunnels;

/// <summary>Source-generated serializer for the tunnel list.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<TunnelInfo>))]
internal sealed partial class TunnelsJsonContext : JsonSerializerContext;
