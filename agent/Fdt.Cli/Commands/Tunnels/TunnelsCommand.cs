using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fdt.Cli.Api;
using Fdt.Cli.Configuration;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Tunnels;

/// <summary>
/// Runs <c>fdt tunnels</c> (<c>GET /v1/agent/tunnels</c>) and <c>fdt tunnels stop</c>
/// (<c>POST /v1/agent/tunnels/{id}/stop</c>) with the authtoken <c>fdt http</c> would use.
/// </summary>
internal sealed class TunnelsCommand(CliContext context)
{
    public const string ListPath = "/v1/agent/tunnels";

    private static readonly JsonWriterOptions JsonOutput = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task<int> ListAsync(TunnelsCommandInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunAsync(input, async (client, authtoken) =>
        {
            var response = await client.SendAsync(HttpMethod.Get, ListPath, content: null, authtoken, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw Refusal(response, client.Server);
            }

            if (input.Json)
            {
                using var document = response.ReadDocument();
                if (document.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw response.NotUnderstood("it is not a JSON array");
                }

                context.Out.WriteLine(Indented(document.RootElement));
                return ExitCodes.Success;
            }

            var tunnels = response.ReadJson(TunnelsJsonContext.Default.ListTunnelInfo);
            if (tunnels.Count == 0)
            {
                context.Out.WriteLine("No tunnels are running.");
            }
            else
            {
                TunnelTable.Write(context.Out, tunnels, context.TimeProvider.GetUtcNow(), context.TimeZone);
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    public Task<int> StopAsync(TunnelsCommandInput input, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(ids);
        return RunAsync(input, async (client, authtoken) =>
        {
            CliError? firstFailure = null;
            foreach (var id in ids)
            {
                if (!TunnelsCommandDefinition.IsValidId(id))
                {
                    throw new UsageException($"'{EventText.Printable(id)}' is not a tunnel id.");
                }

                var response = await client.SendAsync(HttpMethod.Post, StopPath(id), content: null, authtoken, cancellationToken);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent)
                {
                    context.Out.WriteLine($"Stopping tunnel {id}.");
                    continue;
                }

                // A 404 with problem details is the API's "no such tunnel"; a bare 404 means no API at all.
                if (response.StatusCode == HttpStatusCode.NotFound && response.Problem is { } problem)
                {
                    var explanation = !string.IsNullOrWhiteSpace(problem.Detail) ? problem.Detail : problem.Title;
                    var error = new CliError(
                        ExitCodes.UsageError,
                        string.IsNullOrWhiteSpace(explanation) ? $"No live tunnel {id} in this team." : $"No live tunnel {id} in this team: {EventText.Printable(explanation)}",
                        problem.Code,
                        "List the team's live tunnels with `fdt tunnels`.");
                    ErrorOutput.Write(context.Error, error);
                    firstFailure ??= error;
                    continue;
                }

                throw Refusal(response, client.Server);
            }

            return firstFailure?.ExitCode ?? ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>The stop endpoint of <paramref name="id"/>, the id escaped as one path segment.</summary>
    internal static string StopPath(string id) => $"{ListPath}/{Uri.EscapeDataString(id)}/stop";

    /// <summary>The error for an answer other than success: refused authtoken, no control plane, or unexpected.</summary>
    private static ApiException Refusal(ApiResponse response, Uri server) => response.StatusCode switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ApiException(new CliError(
            ExitCodes.AuthenticationFailed,
            "The server refused the authtoken: it is unknown or was revoked.",
            response.Problem?.Code,
            CliError.AuthtokenHint)),
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => new ApiException(new CliError(
            ExitCodes.UsageError,
            $"The server at {server} runs without accounts, so it cannot list or stop tunnels.",
            Hint: "`fdt tunnels` needs a server that runs the api role (fdt-server --roles all).")),
        _ => response.Unexpected(),
    };

    private static string Indented(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task<int> RunAsync(TunnelsCommandInput input, Func<ApiClient, string, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            var store = CliConfigStore.ForEnvironment(context.Environment);
            var settings = SettingsResolver.Resolve(input.Server, input.Authtoken, context.Environment, store.Load(), store.Path);
            using var client = ApiClient.Create(context, settings.Server, input.Insecure);
            return await action(client, settings.Authtoken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM while waiting for the server: a clean exit, as everywhere in fdt.
            return ExitCodes.Success;
        }
        catch (ApiException ex)
        {
            return Fail(ex.Error);
        }
        catch (UsageException ex)
        {
            return Fail(CliError.FromUsage(ex));
        }
    }

    private int Fail(CliError error)
    {
        ErrorOutput.Write(context.Error, error);
        return error.ExitCode;
    }
}
