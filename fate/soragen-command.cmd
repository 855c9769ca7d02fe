# fate-soragen-command: change the prompt at 0.25 s
0.25 soragen prompt 'the cat bounces on the sand';
