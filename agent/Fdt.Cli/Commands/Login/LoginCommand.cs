using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using Fdt.Cli.Api;
using Fdt.Cli.Configuration;
using Fdt.Cli.Output;

namespace Fdt.Cli.Commands.Login;

/// <summary>
/// Runs <c>fdt login</c>, a device login (RFC 8628): asks the server for a code, shows where to
/// enter it (opening the browser where there is one), polls until a person approves or denies it,
/// then saves the new authtoken and the server URL in the config file.
/// </summary>
internal sealed class LoginCommand(CliContext context)
{
    public const string CodePath = "/v1/device/code";
    public const string TokenPath = "/v1/device/token";

    public const string NoAccountsHint = "This server runs without accounts; set the authtoken it printed with `fdt config add-authtoken <token>`.";

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaximumInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    public async Task<int> ExecuteAsync(LoginCommandInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        CliConfigStore store;
        Uri server;
        try
        {
            // The config file is checked before anything else: a login whose authtoken cannot be saved is wasted.
            store = CliConfigStore.ForEnvironment(context.Environment);
            server = SettingsResolver.ResolveServer(input.Server, context.Environment, store.Load(), store.Path);
        }
        catch (UsageException ex)
        {
            return Fail(CliError.FromUsage(ex));
        }

        using var client = ApiClient.Create(context, server, input.Insecure);
        try
        {
            var code = await RequestCodeAsync(client, cancellationToken);
            ShowCode(code, input.NoBrowser);
            var granted = await PollAsync(client, code, cancellationToken);
            store.Save(store.Load() with { Server = server.ToString(), Authtoken = granted.Authtoken });
            context.Out.WriteLine($"Signed in to team {EventText.Printable(granted.TeamName)}. Authtoken saved to {store.Path}.");
            if (context.Environment.GetNonEmpty(EnvironmentVariables.Authtoken) is not null)
            {
                context.Out.WriteLine($"Note: {EnvironmentVariables.Authtoken} is set and takes precedence over the saved authtoken; unset it to use the new one.");
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Out.WriteLine("Login canceled.");
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(new CliError(
                ExitCodes.UnexpectedError,
                $"Cannot write the config file: {ex.Message}",
                Hint: "The login was approved but its authtoken could not be saved; fix the problem and run `fdt login` again."));
        }
    }

    /// <summary>"fdt on HOST (Linux)": what the approving person sees about this device.</summary>
    internal static string ClientDescription()
    {
        var os = OperatingSystem.IsLinux() ? "Linux"
            : OperatingSystem.IsMacOS() ? "macOS"
            : OperatingSystem.IsWindows() ? "Windows"
            : OperatingSystem.IsFreeBSD() ? "FreeBSD"
            : RuntimeInformation.OSDescription;
        return $"fdt on {Environment.MachineName} ({os})";
    }

    /// <summary>A poll interval from the server, kept within 1 s to 1 min; null when it gave none.</summary>
    internal static TimeSpan? Interval(int? seconds) => seconds is > 0 ? Clamp(TimeSpan.FromSeconds(seconds.Value)) : null;

    private static TimeSpan Clamp(TimeSpan interval)
        => interval < MinimumInterval ? MinimumInterval : interval > MaximumInterval ? MaximumInterval : interval;

    private static async Task<DeviceCodeResponse> RequestCodeAsync(ApiClient client, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(new DeviceCodeRequest(ClientDescription()), LoginJsonContext.Default.DeviceCodeRequest);
        var response = await client.SendAsync(HttpMethod.Post, CodePath, content, bearer: null, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var code = response.ReadJson(LoginJsonContext.Default.DeviceCodeResponse);
                if (string.IsNullOrWhiteSpace(code.DeviceCode) || string.IsNullOrWhiteSpace(code.UserCode) || !ServerUrl.TryParse(code.VerificationUri, out _))
                {
                    throw response.NotUnderstood("it lacks the device code, the user code or the verification URL");
                }

                return code;
            case HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed:
                // Edge-only servers (development) have no control plane, so no device login.
                throw new ApiException(new CliError(ExitCodes.UsageError, $"The server at {client.Server} has no accounts to sign in to.", Hint: NoAccountsHint));
            default:
                throw response.Unexpected();
        }
    }

    private void ShowCode(DeviceCodeResponse code, bool noBrowser)
    {
        var output = context.Out;
        output.WriteLine($"To sign in, open {EventText.Printable(code.VerificationUri)} and enter the code {EventText.Printable(code.UserCode)}");
        Uri? page = null;
        if (ServerUrl.TryParse(code.VerificationUriComplete, out var complete))
        {
            output.WriteLine($"or open {EventText.Printable(code.VerificationUriComplete)}");
            page = complete;
        }
        else if (ServerUrl.TryParse(code.VerificationUri, out var verification))
        {
            page = verification;
        }

        if (!noBrowser && page is not null && Browser.IsAvailable(context.Environment) && context.OpenBrowser(page))
        {
            output.WriteLine("(opened in your browser)");
        }

        output.WriteLine("Waiting for approval… (Ctrl+C to cancel)");
        output.Flush();
    }

    private async Task<DeviceTokenResponse> PollAsync(ApiClient client, DeviceCodeResponse code, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var deadline = time.GetUtcNow() + (code.ExpiresIn > 0 ? TimeSpan.FromSeconds(code.ExpiresIn) : DefaultLifetime);
        var interval = Interval(code.Interval) ?? DefaultInterval;
        while (true)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw Expired("The login code expired before the login was approved.");
            }

            await Task.Delay(interval < left ? interval : left, time, cancellationToken);
            if (time.GetUtcNow() >= deadline)
            {
                throw Expired("The login code expired before the login was approved.");
            }

            using var content = JsonContent.Create(new DeviceTokenRequest(code.DeviceCode!), LoginJsonContext.Default.DeviceTokenRequest);
            var response = await client.SendAsync(HttpMethod.Post, TokenPath, content, bearer: null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var granted = response.ReadJson(LoginJsonContext.Default.DeviceTokenResponse);
                if (string.IsNullOrEmpty(granted.Authtoken) || granted.Authtoken.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    throw response.NotUnderstood("it has no valid authtoken");
                }

                return granted;
            }

            var error = response.StatusCode == HttpStatusCode.BadRequest ? response.TryReadJson(LoginJsonContext.Default.DeviceError) : null;
            switch (error?.Error)
            {
                case "authorization_pending":
                    interval = Interval(error.Interval) ?? interval;
                    break;
                case "slow_down":
                    // RFC 8628: the server's new interval, or 5 seconds more than before.
                    interval = Interval(error.Interval) ?? Clamp(interval + SlowDownStep);
                    break;
                case "access_denied":
                    throw new ApiException(new CliError(ExitCodes.AuthenticationFailed, "The login was denied.", Hint: "Run `fdt login` again to ask once more."));
                case "expired_token" or "invalid_grant":
                    throw Expired("The login code expired or was already used.");
                default:
                    throw response.Unexpected();
            }
        }
    }

    private static ApiException Expired(string message)
        => new(new CliError(ExitCodes.AuthenticationFailed, message, Hint: "Run `fdt login` again."));

    private int Fail(CliError error)
    {
        ErrorOutput.Write(context.Error, error);
        return error.ExitCode;
    }
}
