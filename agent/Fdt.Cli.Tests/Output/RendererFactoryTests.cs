using Fdt.Cli.Output;
using Fdt.Cli.Output.Tui;

namespace Fdt.Cli.Tests.Output;

public sealed class RendererFactoryTests : IDisposable
{
    private readonly TestCli _cli = new();

    [Theory]
    [InlineData(null, true, "Tui")]
    [InlineData(null, false, "Text")]
    [InlineData("", true, "Tui")]
    [InlineData("text", true, "Text")]
    [InlineData("JSON", true, "Json")]
    [InlineData("none", false, "None")]
    [InlineData("tui", false, "Tui")]
    public void Resolve_ValueAndTerminal_PicksFormat(string? value, bool terminal, string expected)
    {
        Assert.Equal(Enum.Parse<LogFormat>(expected), LogFormats.Resolve(value, terminal));
    }

    [Theory]
    [InlineData("Text", typeof(TextRenderer))]
    [InlineData("Json", typeof(JsonLineRenderer))]
    [InlineData("None", typeof(NullRenderer))]
    public async Task Create_Format_ReturnsItsRenderer(string format, Type expected)
    {
        await using var renderer = RendererFactory.Create(Enum.Parse<LogFormat>(format), _cli.CreateContext());

        Assert.IsType(expected, renderer);
    }

    [Theory]
    [InlineData(true, typeof(TuiRenderer))]
    [InlineData(false, typeof(TextRenderer))]
    public async Task Create_Tui_NeedsAnAnsiTerminal(bool ansi, Type expected)
    {
        var context = new CliContext
        {
            Out = _cli.Out,
            Error = _cli.Error,
            Environment = _cli.Environment,
            CreateTerminal = () => TestTerminal.Create(new StringWriter(), ansi),
        };

        await using var renderer = RendererFactory.Create(LogFormat.Tui, context);

        Assert.IsType(expected, renderer);
    }

    public void Dispose() => _cli.Dispose();
}
