console.log('prisma generate: not yet')
