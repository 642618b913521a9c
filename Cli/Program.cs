using System.CommandLine;
using MusicCluster.Cli.Commands;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
// The MIDI reader of Music/Midi plugs in here (an IPieceReader); without one, `dataset import --format midi` says so.
root.Subcommands.Add(DatasetCommand.Create(midiReader: null));
// Checkpoint loading (Music/Training) plugs in as the IScoringModelSource; the objective metrics as eval's metrics.
var scoringModels = new UnwiredScoringModelSource();
root.Subcommands.Add(ScoreCommand.Create(scoringModels, midiReader: null));
root.Subcommands.Add(EvalCommand.Create(scoringModels, metrics: null));
return await CliRunner.RunAsync(root, args);
