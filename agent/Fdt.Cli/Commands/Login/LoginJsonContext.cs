using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fdt.Cli.Commands.Login;

/// <summary>Source-generated serializer for the device login's requests and answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeviceCodeRequest))]
[JsonSerializable(typeof(DeviceCodeResponse))]
[JsonSerializable(typeof(DeviceTokenRequest))]
[JsonSerializable(typeof(DeviceTokenResponse))]
[JsonSerializable(typeof(DeviceError))]
internal sealed partial class LoginJsonContext : JsonSerializerContext;
