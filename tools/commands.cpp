// The one place where `mindt` subcommands are registered.
#include "tools/commands.h"

namespace mindt::cli {

const std::vector<CommandSpec>& all_commands() {
  static const std::vector<CommandSpec> commands = {
      {"train",
       "train a decision model offline on a D4RL-format dataset, from a YAML config",
       "mindt train CONFIG [--set key.path=value ...] [--out RUN_DIR] [--seeds S,S,...]\n       mindt train --resume "
       "RUN_DIR[,RUN_DIR...] [--set train.steps=N]",
       "Trains the decision model the config describes (model.backbone picks the sequence model) on\n"
       "data.path with DT's recipe: K-step windows, masked MSE on actions, AdamW with warm-up, gradient\n"
       "clipping. Writes RUN_DIR/config.yaml, log.jsonl (step, loss, lr, samples/s) and checkpoint.pt\n"
       "(every train.checkpoint_every steps, at the end, and on Ctrl-C). --resume continues a run exactly\n"
       "where its last checkpoint left it. With --seeds, one process trains every seed (packed): each\n"
       "into its own run directory, each exactly the run it would be alone (the same losses, on the CPU\n"
       "bit for bit); --resume continues them together.",
       {{"set", "key.path=value", "override one config key (repeatable), e.g. --set model.backbone=mingru", "", true},
        {"out", "RUN_DIR",
         "the run's directory (default: runs/<config>-seed<seed>); must be new or empty. With --seeds: the folder "
         "of the runs RUN_DIR/seed<S>",
         ""},
        {"seeds", "S,S,...", "train these seeds in one process, each its own run (instead of the config's seed)", ""},
        {"resume", "RUN_DIR",
         "continue the run in RUN_DIR from its checkpoint; RUN_DIR,RUN_DIR,... or a --seeds --out folder continues "
         "packed runs together",
         ""},
        {"quiet", "", "no progress line", ""}},
       run_train},
      {"eval",
       "evaluate a trained checkpoint: D4RL-normalized returns for each target return",
       "mindt eval CHECKPOINT [--targets R,R] [--episodes N] [--seeds S,S] [--mode window|recurrent]",
       "Rolls the checkpoint's policy out in our MuJoCo env (the checkpoint's data.env unless --env),\n"
       "conditioned on each target return (the return-to-go decreased by each reward, scaled by\n"
       "data.reward_scale), and prints the mean ± std of raw and normalized returns over episodes and\n"
       "seeds. Defaults come from the checkpoint's eval section.",
       {{"targets", "R,R,...", "target returns (default: eval.targets, else DT's pair for the env)", ""},
        {"episodes", "N", "episodes per target and seed (default: eval.episodes)", ""},
        {"seeds", "S,S,...", "environment seeds", "0"},
        {"mode", "window|recurrent", "inference mode (default: eval.mode)", ""},
        {"env", "ENV", "evaluate in another env with the same dimensions", ""},
        {"out", "FILE", "also write the results as JSON to FILE (atomically)", ""},
        {"json", "", "print the results as JSON", ""}},
       run_eval},
      {"sac train",
       "train a behaviour policy online with Soft Actor-Critic in one of our MuJoCo envs",
       "mindt sac train ENV [--config FILE] [--set key=value ...] [--out RUN_DIR]\n       mindt sac train --resume "
       "RUN_DIR [--set steps=N]",
       "Soft Actor-Critic as D4RL trained its behaviour policies (rlkit: 256x256 ReLU MLPs, tanh-Gaussian\n"
       "policy, twin Q networks with target networks, automatic entropy tuning, one gradient step per\n"
       "environment step); defaults and every key in configs/sac.yaml. Writes RUN_DIR/config.yaml,\n"
       "log.jsonl, a policy snapshot at every evaluation (policies/step_N.pt, the files `mindt data make\n"
       "--policy` takes), and checkpoint.pt + buffer.hdf5 (the replay buffer in D4RL format: the\n"
       "medium-replay data) for --resume. Ctrl-C checkpoints and stops.",
       {{"config", "FILE", "a SAC config (default: the built-in defaults, as in configs/sac.yaml)", ""},
        {"set", "key=value", "override one config key (repeatable), e.g. --set steps=300000", "", true},
        {"out", "RUN_DIR", "the run's directory (default: runs/sac-<env>-seed<seed>); must be new or empty", ""},
        {"resume", "RUN_DIR", "continue the run in RUN_DIR from its checkpoint", ""},
        {"quiet", "", "no progress line", ""}},
       run_sac_train},
      {"sac eval",
       "evaluate SAC policy files: return and normalized score, with mean or sampled actions",
       "mindt sac eval POLICY [POLICY ...] [--episodes N] [--seed S] [--sampled]",
       "Rolls each policy file (from `mindt sac train` or agents/behaviour_policies/) out in its env\n"
       "and prints the mean ± std return and the D4RL-normalized score, a line per file. Actions are\n"
       "the policy's mean, or with --sampled drawn from it as `mindt data make` does: how a snapshot's\n"
       "dataset would score (e.g. `mindt sac eval runs/sac-hopper-seed0/policies/*.pt --sampled`).",
       {{"episodes", "N", "episodes", "10"},
        {"seed", "S", "environment seed of the first episode (and of the action noise)", "0"},
        {"sampled", "", "sample actions from the tanh-Gaussian policy instead of taking its mean", ""}},
       run_sac_eval},
      {"sweep",
       "the D4RL-protocol score table: train and evaluate presets over envs, datasets, backbones and seeds",
       "mindt sweep [--suite d4rl|minari] [--envs E,E] [--datasets D,D] [--backbones B,B] [--seeds S,S] [--steps N] "
       "[--out DIR]",
       "For every env × dataset × backbone × seed, trains configs/<env>-<dataset>-v2/<backbone>.yaml on\n"
       "DATA_DIR/<env>-<dataset>-v2.hdf5 (with the budget overrides given), evaluates the final model and\n"
       "prints the D4RL-normalized score, mean ± std over seeds, per dataset and backbone (a Markdown\n"
       "table per target return). With --suite minari: configs/mujoco-<env>-<dataset>-v0/<backbone>.yaml\n"
       "on Minari's mujoco/<env>/<dataset>-v0 (under DATA_DIR, else $MINARI_DATASETS_PATH or\n"
       "~/.minari/datasets; nothing is downloaded), scored in the v5 envs against each dataset's own\n"
       "reference returns; the table's first line says which reference the scores use.\n"
       "Runs live in OUT/<experiment>/<backbone>-seed<seed> (experiment: the preset's folder): the same\n"
       "command run again reads finished runs, resumes unfinished ones and trains the rest; Ctrl-C\n"
       "checkpoints the run in progress. With --jobs N, N runs train at once, each in its own\n"
       "`mindt train` process with its output in RUN_DIR.log; their scores are the same as one at a time.\n"
       "With --launcher slurm, the unfinished cells are submitted as one sbatch job array (one task per\n"
       "cell, resources from --slurm-opt), the script in OUT/slurm/, each task's output in\n"
       "OUT/slurm/cell-<cell>.log; --wait waits for the tasks and prints the table, else --report shows it\n"
       "later. Run again, it submits only the cells neither finished nor still queued or running, which\n"
       "resume their checkpoints; cells whose tasks ended unfinished are listed with their logs.",
       {{"suite", "d4rl|minari", "D4RL's files made by `mindt data make`, or Minari's MuJoCo datasets", "d4rl"},
        {"envs", "E,E,...", "halfcheetah, hopper, walker2d", "hopper"},
        {"datasets", "D,D,...",
         "the suite's datasets with presets in configs/ (default: d4rl's medium,medium-replay,medium-expert; "
         "minari's simple,medium,expert)",
         ""},
        {"backbones", "B,B,...", "backbones to compare", "transformer,mingru,minlstm"},
        {"seeds", "S,S,...", "training seeds", "0,1,2"},
        {"steps", "N", "training steps per run (default: the preset's, DT's 100000)", ""},
        {"warmup", "N", "warm-up steps (default: the preset's)", ""},
        {"lr", "X", "learning rate (default: the preset's)", ""},
        {"episodes", "N", "evaluation episodes per target (default: the preset's)", ""},
        {"mode", "window|recurrent", "inference mode in evaluation (default: the preset's, window)", ""},
        {"set", "key.path=value", "any other config override, applied to every run (repeatable)", "", true},
        {"data-dir", "DIR",
         "where the datasets are (default: d4rl's data/, made by `mindt data make`; minari's "
         "$MINARI_DATASETS_PATH or ~/.minari/datasets)",
         ""},
        {"configs", "DIR", "the presets' folder (default: the source tree's configs/)", ""},
        {"out", "DIR", "where the runs go", "runs/sweep"},
        {"jobs", "N",
         "runs trained at once, each in its own process; the cores are shared among them unless OMP_NUM_THREADS is set",
         "1"},
        {"launcher", "local|slurm",
         "who trains the cells: this machine (one at a time, or --jobs at once) or a Slurm cluster (sbatch)", "local"},
        {"slurm-opt", "KEY=VALUE",
         "an sbatch option for every task, e.g. time=04:00:00, cpus-per-task=4, partition=gpu, gres=gpu:1 (KEY= for a "
         "flag; repeatable)",
         "", true},
        {"wait", "", "with --launcher slurm: wait for the submitted tasks to end, then print the table", ""},
        {"poll", "SECONDS", "with --wait: how often squeue is asked", "5"},
        {"pack-seeds", "",
         "train the seeds of each env × dataset × backbone together, in one process (as train --seeds: each seed's "
         "own run, the same numbers); not with --jobs",
         ""},
        {"cell", "I[,J,...]",
         "train only cell I of this grid, or seeds I,J,... packed (what each Slurm array task runs; cells are "
         "numbered env, dataset, backbone, seed, in that order, from 0)",
         ""},
        {"json-out", "FILE", "also write every run's scores as JSON to FILE (atomically)", ""},
        {"plot", "FILE.svg",
         "also draw each backbone's performance profile at the first target (fraction of runs above each score) to "
         "FILE.svg",
         ""},
        {"json", "", "print the scores as JSON instead of tables", ""},
        {"report", "", "train nothing: the table of the runs finished so far (cells with fewer seeds say so)", ""},
        {"quiet", "", "no progress lines", ""}},
       run_sweep},
      {"copytask",
       "selective copying (the minRNN paper's table): accuracy against layers for each backbone",
       "mindt copytask [--backbone B[,B...]] [--layers N[,N...]] [--seeds S[,S...]] [options]",
       "Trains a token classifier (Embedding, n_layers blocks of the backbone, Linear) to copy the data\n"
       "tokens scattered among filler tokens, in order, at the answer markers that follow (the Mamba\n"
       "paper's selective copying, vocabulary as the official minRNN code: 16 symbols, 15 = filler,\n"
       "0 = marker, data 1-14), then scores it on fresh sequences. With lists, runs every combination\n"
       "and prints accuracy (%) per backbone and layer count, mean ± std over seeds, beside the paper's.\n"
       "A run in progress is checkpointed every --checkpoint-every steps; after Ctrl-C or a crash the\n"
       "same command continues it from there (finished runs come back from --json-out).",
       {{"backbone", "B,B,...", "backbone(s)", "mingru"},
        {"layers", "N,N,...", "layer count(s)", "2"},
        {"seeds", "S,S,...", "seeds", "0"},
        {"length", "T", "positions the data tokens are scattered in (the paper: 4096)", "256"},
        {"tokens", "N", "data tokens to copy (the paper: 16)", "16"},
        {"dim", "D", "model width", "64"},
        {"steps", "N", "training steps", "2000"},
        {"batch", "B", "sequences per step", "64"},
        {"lr", "X", "AdamW learning rate (linear warm-up over 100 steps)", "1e-3"},
        {"threads", "N", "CPU threads (default: torch's choice)", ""},
        {"json-out", "FILE", "also write the runs as JSON to FILE after each run; runs already in FILE are not redone",
         ""},
        {"report", "", "train nothing: the table of the runs in --json-out so far (cells with fewer seeds say so)", ""},
        {"checkpoint-dir", "DIR", "where runs in progress keep their checkpoints", "runs/copytask"},
        {"checkpoint-every", "N", "training steps between checkpoints (0: none)", "100"},
        {"json", "", "print JSON instead of the table", ""},
        {"quiet", "", "no progress lines", ""}},
       run_copytask},
      {"bench scan",
       "time the linear-scan kernels and the minGRU/minLSTM layers against their baselines",
       "mindt bench scan [options]",
       "Times forward+backward of the fused scan kernel against the paper's log-space reference\n"
       "(cumsum/logcumsumexp) and against a memory-copy floor, then minGRU/minLSTM against\n"
       "torch's GRU/LSTM, on the CPU and, when present, the GPU. All ratios come from this run.",
       {{"json", "", "print {\"rows\": [...]} instead of tables", ""},
        {"batch", "B", "batch size", "64"},
        {"dims", "D,D,...", "channel counts (default: 128,256; 32 with --quick)", ""},
        {"lengths", "T,T,...", "sequence lengths (default: 64,512,4096; 64,512 with --quick)", ""},
        {"device", "auto|cpu|cuda", "where to run; auto adds CUDA rows when a GPU is usable", "auto"},
        {"threads", "N", "CPU threads for torch and the kernels (default: torch's choice)", ""},
        {"reps", "N", "at most N timed repetitions per measurement (median reported)", "20"},
        {"no-layers", "", "skip the layer comparison", ""},
        {"selective", "", "add Mamba's selective scan (N = 16): fused kernel vs the materialised-state composite", ""},
        {"max-gib", "GIB",
         "with --selective: skip the composite where it is expected to need more tensor memory than this", "8"},
        {"quick", "", "small sizes for a smoke test (D=32, T=64,512 unless given)", ""}},
       bench::run_bench_scan},
      {"bench models",
       "time each backbone in the decision model: training steps and inference per environment step",
       "mindt bench models [options]",
       "Builds the decision model at the Decision Transformer's size (embed 128, 3 layers) with each\n"
       "backbone and times (1) one training step (forward, loss, backward, AdamW) at K=20 and at a long\n"
       "context, (2) inference per environment step in window and recurrent mode once an episode is K\n"
       "steps deep. Ratios are to the transformer measured in the same run.",
       {{"json", "", "print {\"rows\": [...]} instead of tables", ""},
        {"backbones", "NAME,NAME,...", "backbones to measure (default: all six)", ""},
        {"batch", "B", "training batch at K=--context", "64"},
        {"context", "K", "DT's context length", "20"},
        {"long-batch", "B", "training batch at the long context", "8"},
        {"long-context", "K", "the long context (default 1000; 100 with --quick)", ""},
        {"device", "cpu|cuda", "where to run", "cpu"},
        {"threads", "N", "CPU threads (default: torch's choice)", ""},
        {"reps", "N", "at most N timed repetitions per training measurement (median reported)", "10"},
        {"train-only", "", "only the training step at K=--context (no long context, no inference)", ""},
        {"quick", "", "a smoke test: long context 100, short timing budgets", ""}},
       bench::run_bench_models},
      {"bench paper",
       "the minRNN paper's Fig. 1: training time and memory of each sequence layer as T grows",
       "mindt bench paper [options]",
       "Times forward + MSE loss + backward of one token mixer (minGRU, minLSTM, Mamba, GRU, LSTM,\n"
       "causal self-attention: the mixers of the decision model's blocks) at B=64 for T = 64 … 4096 and\n"
       "measures the call's peak extra tensor memory; prints the tables and the speed-up and memory ratio\n"
       "of minGRU/minLSTM over GRU/LSTM. A length whose cost, extrapolated from the shorter ones, would\n"
       "exceed --max-gib or --max-call-s is skipped. Plot the --json output with tools/plot_bench_paper.py.",
       {{"json", "", "print {\"rows\": [...]} instead of tables", ""},
        {"backbones", "NAME,NAME,...", "mixers to measure", "mingru,minlstm,mamba,gru,lstm,transformer"},
        {"lengths", "T,T,...", "sequence lengths (default: 64,128,…,4096; 64,128 with --quick)", ""},
        {"batch", "B", "batch size", "64"},
        {"dim", "D", "model width (default 128; 32 with --quick)", ""},
        {"device", "cpu|cuda", "where to run", "cpu"},
        {"threads", "N", "CPU threads (default: torch's choice)", ""},
        {"reps", "N", "at most N timed repetitions per measurement (median reported)", "10"},
        {"max-gib", "GIB", "skip a length expected to need more tensor memory than this", "8"},
        {"max-call-s", "S", "skip a length expected to take longer than this per call", "30"},
        {"json-out", "FILE", "also write the rows as JSON to FILE (for tools/plot_bench_paper.py)", ""},
        {"quick", "", "small sizes and short budgets (a smoke test)", ""}},
       bench::run_bench_paper},
      {"bench lm",
       "time each backbone's language model writing text: characters/s at short and long context",
       "mindt bench lm [options]",
       "Builds the character-level language model (untrained; nanoGPT's shakespeare_char size by default)\n"
       "with each backbone, feeds it C characters, then times the next ones as `mindt lm sample` makes them:\n"
       "the recurrent backbones in step mode, the transformer with its KV cache, and the transformer as\n"
       "nanoGPT's sample.py runs it (the whole window re-read per character). Ratios are to the cached\n"
       "transformer of the same run; growth is the rate at the shortest C over the rate at the longest.\n"
       "--train first times the training step of `mindt lm train` per backbone.",
       {{"json", "", "print {\"rows\": [...]} instead of a table", ""},
        {"backbones", "NAME,NAME,...", "backbones to measure", "mingru,minlstm,mamba,transformer"},
        {"contexts", "C,C,...", "characters of context before the timed ones (default 256,4096; 16,64 with --quick)",
         ""},
        {"characters", "N", "characters timed per measurement", "200"},
        {"dim", "D", "model width", "384"},
        {"layers", "N", "layers", "6"},
        {"heads", "N", "the transformer's heads", "6"},
        {"train", "", "also time the training step per backbone (first, as its own table)", ""},
        {"train-batch", "B", "windows per training step", "64"},
        {"train-context", "L", "characters per training window", "256"},
        {"reps", "N", "timed runs of --characters per generation figure, at most N timed training steps (medians)",
         "5"},
        {"device", "cpu|cuda", "where to run", "cpu"},
        {"threads", "N", "CPU threads (default: torch's choice)", ""},
        {"quick", "", "a smoke test: contexts 16,64, a few characters", ""}},
       bench::run_bench_lm},
      {"bench train",
       "time the trainer's step per backbone: host or device windows, eager or CUDA graph",
       "mindt bench train [options]",
       "Times the training step `mindt train` runs (windows, forward, masked MSE, backward, clipping,\n"
       "AdamW) at the Decision Transformer's size on a synthetic hopper-shaped dataset: windows from the\n"
       "host sampler's thread or gathered on the device, and on CUDA the step replayed as a CUDA graph.\n"
       "Also N seeds packed in one process (--seeds). Prints the median step time of each, per model,\n"
       "and its speed-up over the eager, host-sampled single-seed step of the same run.",
       {{"json", "", "print {\"rows\": [...]} instead of tables", ""},
        {"backbones", "NAME,NAME,...", "backbones to measure", "transformer,mingru"},
        {"device", "cpu|cuda", "where to run", "cpu"},
        {"batch", "B", "training batch", "64"},
        {"context", "K", "window length", "20"},
        {"transitions", "N", "rows of the synthetic dataset", "100000"},
        {"seeds", "N", "also time N seeds packed in one process (train --seeds), per model; 1: not", "3"},
        {"reps", "N", "at most N timed steps per variant (median reported)", "20"}},
       bench::run_bench_train},
      {"bench data",
       "time loading a dataset (and its peak memory), against another with --vs, and the window sampler against a "
       "training step",
       "mindt bench data [--file FILE] [options]",
       "Loads a D4RL-format file or a Minari dataset (by default a synthetic hopper-shaped v2 file written\n"
       "first) --reps times, each in a fresh process, and reports the median load time and peak resident\n"
       "memory against the file's array bytes; with --vs, a second dataset is loaded in turn with it and\n"
       "the ratios are printed. Then draws windows from the sampler and compares its rate with what one\n"
       "DT-sized training step consumes.",
       {{"json", "", "print {\"rows\": [...]} instead of tables", ""},
        {"file", "FILE", "a D4RL-format file or a Minari dataset (folder or id) to load instead of the synthetic one",
         ""},
        {"vs", "FILE",
         "a second dataset (e.g. the D4RL file of the same data) loaded in the same run as the "
         "yardstick: the table adds the load-time and peak ratios against it",
         ""},
        {"reps", "N", "loads of each dataset, alternating, each in a fresh process (the median is printed)", "5"},
        {"transitions", "N", "rows of the synthetic file", "1000000"},
        {"batch", "B", "sampler and training batch", "64"},
        {"context", "K", "window length", "20"}},
       bench::run_bench_data},
      {"data info",
       "describe a dataset (D4RL file or Minari dataset): env, transitions, episodes, returns, score, keys",
       "mindt data info FILE|MINARI_DATASET [--env ENV] [--json]",
       "Reads a D4RL gym-MuJoCo dataset (v0, v1 or v2 layout) or a Minari dataset (its folder, or its\n"
       "id under $MINARI_DATASETS_PATH, default ~/.minari/datasets; nothing is downloaded) and checks it:\n"
       "every array present, lengths consistent, no NaN or inf. Prints the env (given, from metadata/env,\n"
       "or guessed from the observation/action sizes), transitions, episodes by how they end, the return\n"
       "of finished episodes with its normalized score (a Minari dataset's own reference returns when it\n"
       "has them, D4RL's otherwise), and every key with its dtype and shape (a Minari dataset's first\n"
       "episode's).",
       {{"json", "", "print one JSON object (transitions, episodes, returns, keys, ...)", ""},
        {"env", "ENV", "halfcheetah, hopper, walker2d or their -v5 versions (needed when the sizes fit two envs)", ""}},
       run_data_info},
      {"data make",
       "make a D4RL-format dataset (random, medium, medium-replay, expert, medium-expert) in our envs",
       "mindt data make ENV-QUALITY [--out FILE] [--transitions N] [--seed S] [--policy FILE]",
       "Rolls behaviour policies out the way D4RL's collect_data.py did: whole episodes until N\n"
       "transitions (the last one cut), actions sampled from the tanh-Gaussian SAC policy, infos/qpos,\n"
       "qvel and action_log_probs recorded. random = uniform actions; medium, expert = the policies\n"
       "shipped in agents/behaviour_policies/ (or --policy); medium-expert = medium cut after its last\n"
       "finished episode, then expert (2N rows); medium-replay = the replay buffer of a SAC run up to\n"
       "its medium policy (--sac-run, --until). The same seed gives the same file.",
       {{"out", "FILE", "where to write (default: data/ENV-QUALITY-v2.hdf5); written atomically", ""},
        {"transitions", "N", "rows (per part for medium-expert)", "1000000"},
        {"seed", "S", "seed of resets and action noise", "0"},
        {"policy", "FILE", "the (medium) policy file instead of the shipped one", ""},
        {"expert-policy", "FILE", "the expert policy file for medium-expert instead of the shipped one", ""},
        {"sac-run", "RUN_DIR", "medium-replay: the `mindt sac train` run whose replay buffer to use", ""},
        {"until", "STEP", "medium-replay: keep the buffer's first STEP transitions (default: all)", ""},
        {"if-absent", "", "do nothing when the output exists", ""},
        {"force", "", "replace an existing output", ""},
        {"format", "d4rl|minari",
         "the output's format: a D4RL file, or a Minari dataset folder (default out: data/ENV-QUALITY-minari)", "d4rl"},
        {"quiet", "", "no progress line", ""}},
       run_data_make},
      {"data convert",
       "convert a dataset between D4RL's HDF5 file and a Minari dataset, either way",
       "mindt data convert IN OUT [--env ENV] [--id DATASET_ID] [--algorithm NAME]",
       "Reads IN (a D4RL file, or a Minari dataset folder or id) and writes the same episodes to OUT: a\n"
       "D4RL file when OUT ends in .hdf5, else a Minari dataset folder (which `minari.load_dataset`\n"
       "loads once it is under $MINARI_DATASETS_PATH as its id). Minari's metadata gets the env's\n"
       "gymnasium spec and spaces and D4RL's reference returns; a D4RL file gets metadata/env. Written\n"
       "atomically: an interrupted conversion leaves no output.",
       {{"env", "ENV", "the env the data is from (default: its metadata, or its sizes)", ""},
        {"id", "DATASET_ID", "a Minari output's dataset_id (default: mindt/ENV/<OUT's name>-v0)", ""},
        {"algorithm", "NAME", "a Minari output's algorithm_name (default: metadata/algorithm)", ""}},
       run_data_convert},
      {"lm data",
       "build a character corpus for the language model from UTF-8 text files",
       "mindt lm data TEXT... [--out DIR] [--val-fraction F] [--if-absent]",
       "Reads each TEXT (a file, or a folder: its .txt files sorted by name) in the order given, drops\n"
       "carriage returns, joins them with a blank line between, and splits the characters: the first\n"
       "part trains, the last F validates (nanoGPT's shakespeare_char split). The vocabulary is every\n"
       "character that occurs. Writes DIR/train.txt, val.txt and corpus.json, atomically. Text that is\n"
       "not UTF-8 is an error naming the file and byte.",
       {{"out", "DIR", "the corpus folder; must not exist", "data/char-corpus"},
        {"val-fraction", "F", "the share of characters kept for validation, at the end", "0.1"},
        {"if-absent", "", "do nothing when DIR exists", ""}},
       run_lm_data},
      {"lm train",
       "train a character-level language model with any backbone (the minRNN paper's Shakespeare experiment)",
       "mindt lm train CONFIG [--set key.path=value ...] [--out RUN_DIR] | --resume RUN_DIR",
       "Trains next-character prediction on a corpus from `mindt lm data` (config key data) with the\n"
       "backbone model.backbone under a token embedding and an output head, nanoGPT's way: random windows\n"
       "of model.context_len characters, AdamW with warm-up and cosine decay, the training and validation\n"
       "losses estimated every train.eval_every steps. Writes RUN_DIR/config.yaml, log.jsonl,\n"
       "checkpoint.pt and best.pt (the model at its lowest validation loss). Ctrl-C checkpoints and stops;\n"
       "--resume continues exactly. Presets: configs/lm-shakespeare/.",
       {{"set", "key.path=value", "override one key (repeatable), e.g. --set model.backbone=mingru", "", true},
        {"out", "RUN_DIR", "the run directory (default: runs/lm-<preset>-seed<seed>)", ""},
        {"resume", "RUN_DIR", "continue the run in RUN_DIR from its checkpoint", ""},
        {"quiet", "", "no progress line", ""}},
       run_lm_train},
      {"lm sample",
       "generate text from a trained language model, one character at a time",
       "mindt lm sample CHECKPOINT|RUN_DIR [--prompt TEXT] [--characters N] [--temperature T] [--top-k K]",
       "Loads a `mindt lm train` checkpoint (a RUN_DIR means its best.pt), reads the prompt and prints it\n"
       "with the characters the model writes after it, as they come. The recurrent backbones generate in\n"
       "step mode, O(1) per character; the transformer with a KV cache, rebuilt from the last half of its\n"
       "context when the cache is full.",
       {{"prompt", "TEXT", "the text to continue (default: a newline)", ""},
        {"characters", "N", "characters to generate", "500"},
        {"temperature", "T", "divides the logits; lower is more conservative", "0.8"},
        {"top-k", "K", "sample among the K likeliest characters (0: all)", "200"},
        {"seed", "S", "seed of the sampling", "1337"},
        {"device", "auto|cpu|cuda", "where to run", "cpu"}},
       run_lm_sample},
      {"lm report",
       "the paper's language-model table from lm runs: best validation loss, its step, wall time",
       "mindt lm report RUN_DIR... [--plot FILE.svg] [--title TEXT]",
       "Reads each run's config.yaml and log.jsonl and prints, per backbone, mean ± std over its runs of\n"
       "the best validation loss, the step it was reached at, the steps to reach the loss level every\n"
       "backbone reached, and the training wall time, with the minRNN paper's test losses beside.\n"
       "Runs must share one setting (their configs may differ only in backbone and seed).",
       {{"plot", "FILE.svg", "also write the validation-loss curves as an SVG plot", ""},
        {"title", "TEXT", "the plot's title", "validation loss, character-level Shakespeare"}},
       run_lm_report},
      {"env check",
       "run random-policy episodes in one of our MuJoCo envs: return, length, normalized score, speed",
       "mindt env check ENV [--episodes N] [--envs N] [--threads N] [--seed S]",
       "Steps ENV (halfcheetah, hopper, walker2d: D4RL's dynamics; halfcheetah-v5, hopper-v5, walker2d-v5:\n"
       "gymnasium's v5, which Minari's datasets were collected in) with uniform random actions in [-1, 1] on a vector "
       "of\n"
       "environments and reports the mean episode return with its spread, the mean length, the D4RL\n"
       "normalized score (about 0: D4RL's REF_MIN is a random policy's return) and env steps per second.",
       {{"episodes", "N", "episodes to run", "100"},
        {"envs", "N", "environments stepped together", "10"},
        {"threads", "N", "threads stepping them (0 = one per core)", "0"},
        {"seed", "S", "seed of resets and actions", "0"}},
       run_env_check},
      {"config show",
       "print the resolved configuration (file plus --set overrides), after checking every key",
       "mindt config show CONFIG [--set key.path=value ...]",
       "Reads a YAML config, applies the overrides in order and checks every key, type and range.\n"
       "Prints the complete configuration, every key included, as YAML.",
       {{"set", "key.path=value", "override one key (repeatable), e.g. --set model.backbone=mingru", "", true}},
       run_config_show},
  };
  return commands;
}

}  // namespace mindt::cli
