namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// The CLI's error contract on every bad input of <see cref="BadInputCases"/>: exit code 2, exactly one line on stderr
/// (a device notice aside) that names the culprit, no stack trace, and nothing new in the case's folders.
/// </summary>
[Collection("console")]
public class BadInputSuiteTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases())
            data.Add(c.Name);
        return data;
    }

    [Fact]
    public void TheSuiteCoversAtLeastSixtyCases() => Assert.True(Cases().Count() >= 60, $"{Cases().Count()} cases");

    [Fact]
    public void AtLeastTwelveBadModelFoldersAreCovered() =>
        Assert.True(BadModelFolderCases.All().Count() >= 12, $"{BadModelFolderCases.All().Count()} bad model folders");

    private static IEnumerable<BadInputCase> Cases() => BadInputCases.All().Concat(BadModelFolderCases.All()).Concat(BadLatentPipelineCases.All());

    [Theory]
    [MemberData(nameof(Names))]
    public void BadInputIsOneLineExitTwoAndWritesNothing(string name)
    {
        var c = Cases().Single(x => x.Name == name);
        var folder = new CaseFolder();
        c.Setup?.Invoke(folder);
        var args = c.Args(folder); // may make shard fixtures: part of the setup
        var before = folder.Listing();
        var (code, err) = TestData.RunCli(args);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
        Assert.True(code == 2, $"exit {code}, stderr: {err}");
        Assert.True(lines.Count == 1, $"expected one line, got {lines.Count}: {err}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(c.Expected, lines[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.Equal(before, folder.Listing());
        Assert.Empty(Directory.GetFiles(folder.Root, "*.partial", SearchOption.AllDirectories));
    }
}
