using OnnxDiffusion.Experiments.Plan;

namespace OnnxDiffusion.Experiments.Tests.Plan;

public class ExperimentPlanTests
{
    private static string PlanFile(string json)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("plan").FullName, "plan.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Refusal(string json)
    {
        string path = PlanFile(json);
        var ex = Assert.Throws<ConfigException>(() => ExperimentPlan.Load(path));
        Assert.StartsWith(path + ":", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    [Fact]
    public void Profiles_have_replicates_and_the_default_has_three_with_a_generated_set()
    {
        var d = ExperimentPlan.ForProfile("default");
        Assert.Equal(3, d.Replicates);
        Assert.True(d.Generated);
        Assert.Equal(5, d.Draws);
        Assert.Equal(2, ExperimentPlan.ForProfile("quick").Replicates);
        Assert.All(ExperimentPlan.Profiles, p => ExperimentPlan.ForProfile(p).Validate());
    }

    [Fact]
    public void The_paper_profile_is_the_default_design_with_every_kind()
    {
        var paper = ExperimentPlan.ForProfile("paper");
        var d = ExperimentPlan.ForProfile("default");
        Assert.Equal(["maxent", "lightgbm", "cnn", "resnet18"], paper.Classifiers);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(d with { Profile = "paper", Classifiers = paper.Classifiers }),
            System.Text.Json.JsonSerializer.Serialize(paper));
        Assert.Equal(["maxent", "lightgbm", "cnn"], d.Classifiers);
        Assert.Equal(("dpm++2m", 10), (d.Sampler, d.Steps));
    }

    [Fact]
    public void Cnn_options_come_from_the_plan_file_and_bad_ones_are_named_before_anything_runs()
    {
        string dir = Directory.CreateTempSubdirectory("cnnplan").FullName;
        string Write(string json)
        {
            string path = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
            File.WriteAllText(path, json);
            return path;
        }
        var plan = ExperimentPlan.Load(Write("""{ "cnn": { "epochs": 7, "widths": [8, 16, 32] } }"""));
        Assert.Equal(7, plan.Cnn.Epochs);
        Assert.Equal([8, 16, 32], plan.Cnn.Widths);
        Assert.Equal(new OnnxDiffusion.Classification.CnnOptions().Hidden, plan.Cnn.Hidden);

        var bad = Assert.Throws<ConfigException>(() => ExperimentPlan.Load(Write("""{ "cnn": { "epochs": 0 } }""")));
        Assert.Contains("cnn epochs = 0", bad.Message);
        var unknown = Assert.Throws<ConfigException>(() => ExperimentPlan.Load(Write("""{ "cnn": { "epoch": 5 } }""")));
        Assert.Contains("cnn", unknown.Message);
        Assert.Contains("epoch", unknown.Message);
        Assert.DoesNotContain('\n', unknown.Message);
    }

    [Fact]
    public void A_file_overrides_its_profile()
    {
        var p = ExperimentPlan.Load(PlanFile("""{ "profile": "quick", "replicates": 4, "draws": 2, "generated": false }"""));
        Assert.Equal(("quick", 4, 2, false, 10), (p.Profile, p.Replicates, p.Draws, p.Generated, p.PerClass));
    }

    [Fact]
    public void The_old_seeds_key_is_refused_naming_its_replacement()
    {
        Assert.Contains("key 'seeds' was replaced by 'replicates'", Refusal("""{ "seeds": 3 }"""));
    }

    [Theory]
    [InlineData("""{ "replicates": 0 }""", "replicates = 0")]
    [InlineData("""{ "k": 0 }""", "k = 0")]
    [InlineData("""{ "draws": 0 }""", "draws = 0")]
    [InlineData("""{ "eta": 2 }""", "eta = 2")]
    [InlineData("""{ "guidance": -1 }""", "guidance = -1")]
    [InlineData("""{ "sampler": "euler" }""", "sampler = 'euler'")]
    [InlineData("""{ "profile": "huge" }""", "'huge'")]
    [InlineData("""{ "strengths": [0.5, 0.5] }""", "twice")]
    [InlineData("""{ "strengths": [], "generated": false }""", "no synthetic set")]
    [InlineData("""{ "k": "five" }""", "key 'k'")]
    [InlineData("""{ "colour": 1 }""", "unknown key 'colour'")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    [InlineData("""{ "k": 5""", "cannot read experiment plan")]
    public void Bad_values_are_refused_naming_the_key(string json, string expected)
    {
        Assert.Contains(expected, Refusal(json));
    }
}
